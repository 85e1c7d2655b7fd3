/*
 * following-the-flow-links: a click on a link to another chapter opens that notebook at the
 * heading the link names (issue 20), in JupyterLab 4.6 with jupyterlab-myst.
 *
 * A link `02_simple_rnn.ipynb#ch2-bptt` opens the notebook and calls the notebook's
 * setFragment("#ch2-bptt") as soon as its file is loaded. At that moment no markdown cell has
 * been rendered yet (jupyterlab-myst renders them afterwards, and gives the heading its id
 * from the label `(ch2-bptt)=`), and the cells are not laid out, so JupyterLab finds nothing
 * to scroll to and the notebook stays at its top. This plugin makes every notebook's
 * setFragment wait until the target exists, then scroll to it, and keep it in place while the
 * cells above it finish rendering (figures, math), until the reader scrolls or it settles.
 * (JupyterLab's own search, run then, looks for the label in a data-jupyter-id attribute,
 * which jupyterlab-myst does not write: so even a rendered heading would not be found.)
 *
 * It also hides a markdown cell that renders to nothing: the page front matter that numbers the
 * exercises, and the commented-out end of a solution (_ext/myst_lab.py writes both).
 *
 * It is written by hand, without a build step, as the module-federation container JupyterLab
 * loads (window._JUPYTERLAB[name] with init/get); it imports nothing (it reaches the notebook
 * widgets through app.docRegistry), so it shares no package with JupyterLab. `make venv`
 * copies _ext/labextension into the environment's share/jupyter/labextensions.
 */
var _JUPYTERLAB;
(function () {
  "use strict";

  var NAME = "following-the-flow-links";
  var WAIT_MS = 120000; // the longest wait for the target to be rendered (a busy machine)
  var SETTLE_MS = 1500; // the target has kept its place this long: stop watching
  var WATCH_MS = 30000; // never watch longer than this
  var POLL_MS = 100;
  var MARGIN_PX = 8; // the target lands this far below the top of the notebook

  function sleep(ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
  }

  // The two kinds of fragment this plugin scrolls to: "#label" (an element id: what
  // jupyterlab-myst gives a labelled heading, exercise or equation) and "#cell-id=ID" (a cell).
  // Others ("#heading=...") are left to JupyterLab.
  function ours(fragment) {
    var value = decodeURIComponent(fragment.replace(/^#/, ""));
    return value !== "" && (value.indexOf("=") === -1 || value.indexOf("cell-id=") === 0);
  }

  // The element a fragment of ours names, or null while it is not rendered.
  function findTarget(notebook, fragment) {
    var value = decodeURIComponent(fragment.replace(/^#/, ""));
    if (value.indexOf("cell-id=") === 0) {
      var id = value.slice("cell-id=".length);
      var cell = notebook.widgets.find(function (c) { return c.model.id === id; });
      return cell && cell.node.offsetHeight > 0 ? cell.node : null;
    }
    var escaped = CSS.escape(value);
    return notebook.node.querySelector('[id="' + escaped + '"], [data-jupyter-id="' + escaped + '"]');
  }

  function offset(element, scroller) {
    return element.getBoundingClientRect().top - scroller.getBoundingClientRect().top;
  }

  async function scrollWhenRendered(notebook, original, fragment) {
    if (!ours(fragment)) return original.call(notebook, fragment);
    var target = null;
    var deadline = Date.now() + WAIT_MS;
    while (!notebook.isDisposed && Date.now() < deadline) {
      target = findTarget(notebook, fragment);
      if (target) break;
      await sleep(POLL_MS);
    }
    if (notebook.isDisposed || !target) return;
    // JupyterLab's own search would look for a data-jupyter-id attribute, which
    // jupyterlab-myst does not write: scroll here, the target a little below the top.
    var scroller = notebook.outerNode || notebook.node;
    scroller.scrollTop += offset(target, scroller) - MARGIN_PX;
    // Keep it there while the cells around it still grow.
    var wanted = offset(target, scroller);
    var touched = false;
    function stop() { touched = true; }
    var events = ["wheel", "touchstart", "keydown", "mousedown"];
    events.forEach(function (e) { scroller.addEventListener(e, stop, { passive: true }); });
    var start = Date.now();
    var still = Date.now();
    while (!touched && !notebook.isDisposed && Date.now() - start < WATCH_MS) {
      await sleep(POLL_MS);
      if (!target.isConnected) target = findTarget(notebook, fragment);
      if (!target) break;
      var moved = offset(target, scroller) - wanted;
      if (Math.abs(moved) > 1) {
        scroller.scrollTop += moved;
        still = Date.now();
      } else if (Date.now() - still > SETTLE_MS) {
        break;
      }
    }
    events.forEach(function (e) { scroller.removeEventListener(e, stop); });
  }

  function patch(panel) {
    var notebook = panel.content;
    var original = notebook.setFragment;
    notebook.setFragment = function (fragment) {
      return scrollWhenRendered(notebook, original, fragment);
    };
  }

  // A markdown cell whose rendering is empty takes no room (a reader's empty cell renders
  // JupyterLab's placeholder text, so it stays).
  var STYLE = ".jp-Notebook .jp-MarkdownCell.jp-mod-rendered:has(.myst:empty) { display: none; }";

  var plugin = {
    id: NAME + ":plugin",
    description: "Open a notebook at the heading a link names, once it is rendered.",
    autoStart: true,
    activate: function (app) {
      var style = document.createElement("style");
      style.id = NAME + "-style";
      style.textContent = STYLE;
      document.head.appendChild(style);
      var registry = app.docRegistry;
      var hooked = false;
      function hook() {
        var factory = registry.getWidgetFactory("Notebook");
        if (hooked || !factory) return;
        hooked = true;
        factory.widgetCreated.connect(function (_, panel) { patch(panel); });
      }
      hook();
      if (!hooked) registry.changed.connect(hook);
    }
  };

  _JUPYTERLAB = _JUPYTERLAB || {};
  _JUPYTERLAB[NAME] = {
    init: function () {},
    get: function (module) {
      if (module !== "./extension") {
        return Promise.reject(new Error('Module "' + module + '" does not exist in ' + NAME));
      }
      return Promise.resolve(function () { return { __esModule: true, default: plugin }; });
    }
  };
})();
