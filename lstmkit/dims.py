"""Geometry and sampling in D dimensions: the numbers behind the curse of dimensionality.

Chapter 6 measures how space behaves as the dimension ``D`` grows. The closed forms live
here, next to the samplers and the two classifiers that the chapter checks them with:

==========================  ===============================================================
``ball_volume``             :math:`V_D(r) = \\pi^{D/2} r^D / \\Gamma(D/2 + 1)`
``sphere_area``             :math:`A_D(r) = D\\,V_D(r)/r`, the area of the surface of the ball
``ball_to_cube_ratio``      :math:`V_D(1/2)`, the share of the unit cube filled by its ball
``central_ball_diameter``   :math:`\\sqrt{D} - 1`, the ball in the gap between :math:`2^D` balls
``shell_fraction``          :math:`1 - (1 - \\varepsilon)^D`, the volume in the outer shell
``empty_cell_fraction``     :math:`(1 - b^{-D})^N`, the expected share of empty grid cells
``angle_pdf``               density :math:`\\propto \\sin^{D-2}\\theta` of the angle between
                            two random directions
``sample_ball``             points uniform in the D-ball
``angles``                  angles between paired vectors
``distances``               Euclidean distances between two sets of points
``distance_ratio``          farthest over nearest distance, per query point
``grid_classify``           majority vote in the cells of a regular grid
``nearest_neighbour``       the 1-nearest-neighbour classifier
``flow_data``               the chapter's three-class data: 2 informative features + noise
``sample_ball_projection``  points uniform in the D-ball, from a sphere in D + 2 dimensions
``gap_ball_diameter``       :math:`\\sqrt{D} - 1` by brute force over all :math:`k^D` small balls
``flow_posterior``          the Bayes posterior of the three classes of ``flow_data``
``knn_regress``             k-nearest-neighbour regression, for one k or many at once
``stone_rate``              :math:`-2p/(2p + D)`, the exponent of Stone's optimal rate
==========================  ===============================================================

Everything is vectorised: ``D`` and ``eps`` may be arrays and broadcast against each other;
points are rows of an ``(n, D)`` array.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from . import _checks

__all__ = [
    "ball_volume",
    "sphere_area",
    "ball_to_cube_ratio",
    "central_ball_diameter",
    "shell_fraction",
    "empty_cell_fraction",
    "angle_pdf",
    "sample_ball",
    "angles",
    "distances",
    "distance_ratio",
    "grid_cells",
    "grid_classify",
    "nearest_neighbour",
    "FLOW_CENTRES",
    "flow_data",
    "sample_ball_projection",
    "gap_ball_diameter",
    "flow_posterior",
    "knn_regress",
    "stone_rate",
]

_lgamma_object = np.frompyfunc(math.lgamma, 1, 1)


def _lgamma(x):
    """``log(Gamma(x))`` elementwise, as a float array (numpy has no log-gamma)."""
    return np.asarray(_lgamma_object(x), dtype=float)


# --------------------------------------------------------------------------- validation


def _dims(D, name="D"):
    """``D`` as an int array of dimensions >= 1 (a scalar stays 0-d)."""
    a = np.asarray(D)
    if a.dtype == bool or not np.issubdtype(a.dtype, np.integer):
        raise TypeError(f"{name} must be a positive int or an array of them; got {D!r}")
    if a.size and a.min() < 1:
        raise ValueError(f"{name} must be >= 1 (a dimension); got {D!r}")
    return a.astype(np.int64)


def _nonneg(x, name):
    """``x`` as a float array with every entry finite and >= 0."""
    if isinstance(x, bool) or not (
        isinstance(x, numbers.Real) or isinstance(x, np.ndarray | list | tuple)
    ):
        raise TypeError(f"{name} must be a real number or an array of them; got {x!r}")
    a = np.asarray(x, dtype=float)
    if not np.all(np.isfinite(a)) or np.any(a < 0):
        raise ValueError(f"{name} must be finite and >= 0; got {x!r}")
    return a


def _points(name, x, D=None):
    """``x`` as a finite float (n, D) array; ``D`` (if given) must match."""
    if not isinstance(x, np.ndarray):
        raise TypeError(f"{name} must be a numpy array of shape (n, D); got {type(x).__name__}")
    if x.ndim != 2 or 0 in x.shape:
        raise ValueError(f"{name} must have shape (n, D) with n, D >= 1; got {x.shape}")
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"{name} must have a float dtype; got {x.dtype}")
    if D is not None and x.shape[1] != D:
        raise ValueError(
            f"{name} must have shape (n, {D}) to match the other points; got {x.shape}"
        )
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return x


def _labels(labels, n):
    if not isinstance(labels, np.ndarray) or not np.issubdtype(labels.dtype, np.integer):
        raise TypeError("labels must be a numpy array of ints 0, 1, ..., K-1")
    if labels.shape != (n,):
        raise ValueError(
            f"labels must have shape (n,) = ({n},) to match x_train; got {labels.shape}"
        )
    if labels.min() < 0:
        raise ValueError("labels must be >= 0 (class indices 0, 1, ..., K-1)")
    return labels


def _positive_int(name, n):
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise TypeError(f"{name} must be a positive int; got {n!r} of type {type(n).__name__}")
    if n < 1:
        raise ValueError(f"{name} must be a positive int; got {n}")
    return int(n)


def _result(a):
    """A 0-d array as a Python float, anything else unchanged."""
    return float(a) if np.ndim(a) == 0 else a


# --------------------------------------------------------------------------- closed forms


def ball_volume(D, r=1.0):
    r"""Volume of the D-dimensional ball of radius ``r``.

    .. math:: V_D(r) = \frac{\pi^{D/2}}{\Gamma(D/2 + 1)}\, r^D

    The ball is the solid :math:`\{\boldsymbol{x} : \lVert\boldsymbol{x}\rVert \le r\}`:
    ``ball_volume(2)`` is :math:`\pi`, ``ball_volume(3)`` is :math:`4\pi/3`.

    Parameters
    ----------
    D : int or array of int
        Dimension(s), at least 1.
    r : float or array of float
        Radius (>= 0); broadcasts against ``D``.

    Returns
    -------
    float or numpy.ndarray
    """
    D = _dims(D)
    r = _nonneg(r, "r")
    log_unit = 0.5 * D * math.log(math.pi) - _lgamma(0.5 * D + 1.0)
    return _result(np.exp(log_unit) * r**D)


def sphere_area(D, r=1.0):
    r"""Surface area of the D-ball of radius ``r``: the (D-1)-dimensional sphere.

    .. math:: A_D(r) = \frac{\mathrm{d}V_D}{\mathrm{d}r} = \frac{2\pi^{D/2}}{\Gamma(D/2)}\, r^{D-1}
              = \frac{D}{r}\, V_D(r)

    ``sphere_area(2)`` is the circumference :math:`2\pi`, ``sphere_area(3)`` is :math:`4\pi`.
    The sphere itself has zero D-dimensional volume.
    """
    D = _dims(D)
    r = _nonneg(r, "r")
    log_unit = math.log(2.0) + 0.5 * D * math.log(math.pi) - _lgamma(0.5 * D)
    return _result(np.exp(log_unit) * r ** (D - 1))


def ball_to_cube_ratio(D):
    r"""Share of a cube's volume inside its inscribed ball.

    .. math:: \frac{V_D(a)}{(2a)^D} = \frac{\pi^{D/2}}{2^D\,\Gamma(D/2 + 1)}

    independent of the half-side :math:`a`; it is :math:`\pi/4` for :math:`D = 2` and
    tends to 0 as :math:`D` grows, so almost all of a high-dimensional cube lies in its corners.
    """
    D = _dims(D)
    return _result(np.asarray(ball_volume(D, 0.5)))


def central_ball_diameter(D):
    r"""Diameter of the ball that touches all :math:`2^D` unit balls of a stack of unit cubes.

    Stack :math:`2^D` unit cubes into the cube :math:`[0, 2]^D` and put a ball of diameter 1
    in each. Every small ball's centre is at distance :math:`\sqrt{D}/2` (half a cube's
    diagonal) from the centre of the stack, so the central ball touching them all has

    .. math:: d_D = 2\left(\frac{\sqrt{D}}{2} - \frac12\right) = \sqrt{D} - 1 .

    The same holds for any even number of cubes per axis, because the centre of the stack
    is then a corner shared by :math:`2^D` cubes.
    """
    D = _dims(D)
    return _result(np.sqrt(D) - 1.0)


def shell_fraction(D, eps):
    r"""Share of a D-ball's volume in its outer shell of relative thickness ``eps``.

    .. math:: \frac{V_D(r) - V_D\big((1-\varepsilon) r\big)}{V_D(r)} = 1 - (1 - \varepsilon)^D

    because :math:`V_D(r) \propto r^D`. ``D`` and ``eps`` broadcast against each other.

    Parameters
    ----------
    D : int or array of int
        Dimension(s), at least 1.
    eps : float or array of float
        Relative thickness in ``[0, 1]``.
    """
    D = _dims(D)
    eps = _nonneg(eps, "eps")
    if np.any(eps > 1):
        raise ValueError(f"eps must be in [0, 1] (a share of the radius); got {eps!r}")
    with np.errstate(divide="ignore"):
        return _result(-np.expm1(D * np.log1p(-eps)))


def empty_cell_fraction(N, D, bins=10):
    r"""Expected share of empty cells after ``N`` uniform samples in a regular grid.

    The grid has ``bins`` cells per axis, :math:`M = b^D` cells in all. A cell is missed by
    one sample with probability :math:`1 - 1/M`, by all :math:`N` independent samples with

    .. math:: P(\text{empty}) = \left(1 - b^{-D}\right)^N ,

    which is also the probability that a new uniform point lands in a cell without
    training data. Computed as ``exp(N * log1p(-b**-D))`` so that huge grids do not
    round to zero.
    """
    N = _nonneg(N, "N")
    D = _dims(D)
    bins = _positive_int("bins", bins)
    log_miss = np.log1p(-np.exp(-D * math.log(bins))) if bins > 1 else np.full(D.shape, -np.inf)
    with np.errstate(invalid="ignore"):
        out = np.where(N == 0, 1.0, np.exp(N * log_miss))
    return _result(out)


def angle_pdf(theta, D):
    r"""Density of the angle between two independent, uniformly random directions in R^D.

    Fix the first direction as the north pole. The directions at angle :math:`\theta` from it
    form a (D-2)-dimensional sphere of radius :math:`\sin\theta`, whose area grows like
    :math:`\sin^{D-2}\theta`; normalising over :math:`[0, \pi]` gives

    .. math:: p_D(\theta) = \frac{\Gamma(D/2)}{\sqrt{\pi}\,\Gamma\big((D-1)/2\big)}
              \sin^{D-2}\theta, \qquad 0 \le \theta \le \pi ,

    uniform for :math:`D = 2`, :math:`\tfrac12\sin\theta` for :math:`D = 3`.
    Defined for :math:`D \ge 2`; ``theta`` in radians.
    """
    D = _dims(D)
    if np.any(D < 2):
        raise ValueError("angle_pdf needs D >= 2: on a line two directions are 0 or pi apart")
    theta = np.asarray(theta, dtype=float)
    log_c = _lgamma(0.5 * D) - _lgamma(0.5 * (D - 1)) - 0.5 * math.log(math.pi)
    inside = (theta >= 0) & (theta <= np.pi)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_sin = np.log(np.abs(np.sin(theta)))
        dens = np.exp(log_c + (D - 2) * log_sin)
    dens = np.where(D == 2, np.exp(log_c) + 0.0 * theta, dens)
    return _result(np.where(inside, dens, 0.0))


# --------------------------------------------------------------------------- sampling


def sample_ball(n, D, *, rng, r=1.0):
    r"""``n`` points uniform in the D-ball of radius ``r``, as an ``(n, D)`` array.

    A standard normal vector has a uniformly random direction; scaling it to the radius
    :math:`R = r\,U^{1/D}` with :math:`U` uniform on :math:`[0, 1]` gives
    :math:`P(R \le s) = (s/r)^D = V_D(s)/V_D(r)`, the share of the volume within radius
    :math:`s` (Muller 1959).
    """
    n = _positive_int("n", n)
    D = _positive_int("D", D)
    _checks.generator(rng)
    r = float(_nonneg(r, "r"))
    z = rng.standard_normal((n, D))
    z /= np.linalg.norm(z, axis=1, keepdims=True)
    return z * (r * rng.random(n) ** (1.0 / D))[:, None]


# --------------------------------------------------------------------------- angles, distances


def angles(u, v):
    r"""Angle (radians) between the rows of ``u`` and ``v``, both ``(n, D)``.

    .. math:: \theta = \arccos\frac{\boldsymbol{u}^\top\boldsymbol{v}}
              {\lVert\boldsymbol{u}\rVert\,\lVert\boldsymbol{v}\rVert}

    The cosine is clipped to ``[-1, 1]`` against round-off. Zero vectors raise ``ValueError``.
    """
    u = _points("u", u)
    v = _points("v", v, u.shape[1])
    if v.shape != u.shape:
        raise ValueError(f"u and v must have the same shape (n, D); got {u.shape} and {v.shape}")
    norms = np.linalg.norm(u, axis=1) * np.linalg.norm(v, axis=1)
    if np.any(norms == 0):
        raise ValueError("the angle of a zero vector is undefined; u and v need non-zero rows")
    cos = np.einsum("ij,ij->i", u, v) / norms
    return np.arccos(np.clip(cos, -1.0, 1.0))


def distances(x, y):
    r"""Euclidean distances between every row of ``x`` ``(n, D)`` and of ``y`` ``(m, D)``.

    .. math:: d(\boldsymbol{x}, \boldsymbol{y}) = \lVert\boldsymbol{x} - \boldsymbol{y}\rVert
              = \Big(\sum_{d=1}^{D} (x_d - y_d)^2\Big)^{1/2}

    computed as :math:`\lVert\boldsymbol{x}\rVert^2 + \lVert\boldsymbol{y}\rVert^2 -
    2\boldsymbol{x}^\top\boldsymbol{y}` (one matrix product, fast). That expansion loses
    the small distances to cancellation: its absolute error is about
    :math:`\sqrt{\epsilon}\,\lVert\boldsymbol{x}\rVert`. Pairs whose expanded square is
    below ``1e-6`` of :math:`\lVert\boldsymbol{x}\rVert^2 + \lVert\boldsymbol{y}\rVert^2`
    are therefore recomputed from the difference :math:`\boldsymbol{x} - \boldsymbol{y}`,
    so identical points are at distance exactly 0. Returns an ``(n, m)`` array.
    """
    x = _points("x", x)
    y = _points("y", y, x.shape[1])
    norms = (x**2).sum(1)[:, None] + (y**2).sum(1)[None, :]
    sq = norms - 2.0 * (x @ y.T)
    i, j = np.nonzero(sq <= 1e-6 * norms)
    sq[i, j] = ((x[i] - y[j]) ** 2).sum(1)
    return np.sqrt(np.maximum(sq, 0.0))


def distance_ratio(data, queries):
    r"""Farthest over nearest distance from each query point to the data points.

    .. math:: \rho(\boldsymbol{q}) = \frac{\max_j \lVert\boldsymbol{q} - \boldsymbol{x}_j\rVert}
              {\min_j \lVert\boldsymbol{q} - \boldsymbol{x}_j\rVert}

    Beyer et al. (1999) show that :math:`\rho \to 1` in probability as :math:`D \to \infty`
    for many data distributions: the nearest neighbour is then hardly nearer than the
    farthest point. Returns an ``(m,)`` array for ``queries`` of shape ``(m, D)``.
    """
    d = distances(queries, data)
    nearest = d.min(axis=1)
    if np.any(nearest == 0):
        raise ValueError("a query point coincides with a data point; the ratio is infinite")
    return d.max(axis=1) / nearest


# --------------------------------------------------------------------------- classifiers


def grid_cells(x, bins, low=0.0, high=1.0):
    r"""Integer cell coordinates of the rows of ``x`` in a grid of ``bins`` cells per axis.

    The box :math:`[\mathrm{low}, \mathrm{high}]^D` is cut into :math:`b^D` equal cells;
    coordinate :math:`x_d` falls in cell :math:`\lfloor b\,(x_d - \mathrm{low}) /
    (\mathrm{high} - \mathrm{low})\rfloor`, clipped to ``0 .. bins-1`` so that points on
    (or beyond) the border join the outermost cell. Returns an int ``(n, D)`` array.
    """
    x = _points("x", x)
    bins = _positive_int("bins", bins)
    if not high > low:
        raise ValueError(f"high must be greater than low; got low={low}, high={high}")
    cell = np.floor(bins * (x - low) / (high - low)).astype(np.int64)
    return np.clip(cell, 0, bins - 1)


def grid_classify(x_train, labels, x_test, bins=10, low=0.0, high=1.0):
    r"""Classify by majority vote of the training points in the same grid cell.

    Each cell of the grid (see :func:`grid_cells`) takes the most frequent label of the
    training points inside it (ties go to the smaller label). A test point gets the label
    of its cell, or ``-1`` when its cell holds no training point: the classifier has
    nothing to say there. Returns an int ``(m,)`` array.
    """
    x_train = _points("x_train", x_train)
    x_test = _points("x_test", x_test, x_train.shape[1])
    labels = _labels(labels, x_train.shape[0])
    n_classes = int(labels.max()) + 1
    cells = np.concatenate(
        [grid_cells(x_train, bins, low, high), grid_cells(x_test, bins, low, high)]
    )
    # one byte string per row, so that np.unique compares whole cells at once
    rows = np.ascontiguousarray(cells.astype(np.min_scalar_type(bins - 1)))
    keys = rows.view(np.dtype((np.void, rows.itemsize * rows.shape[1]))).reshape(-1)
    _, ids = np.unique(keys, return_inverse=True)
    train_ids, test_ids = ids[: len(x_train)], ids[len(x_train) :]
    votes = np.zeros((ids.max() + 1, n_classes), dtype=np.int64)
    np.add.at(votes, (train_ids, labels), 1)
    winner = np.where(votes.sum(1) > 0, votes.argmax(1), -1)
    return winner[test_ids]


def nearest_neighbour(x_train, labels, x_test):
    r"""The 1-nearest-neighbour classifier: each test point takes the label of the
    training point at the smallest Euclidean distance,

    .. math:: \hat{y}(\boldsymbol{x}) = y_{j^*}, \qquad
              j^* = \arg\min_j \lVert\boldsymbol{x} - \boldsymbol{x}_j\rVert .

    Returns an int ``(m,)`` array.
    """
    x_train = _points("x_train", x_train)
    x_test = _points("x_test", x_test, x_train.shape[1])
    labels = _labels(labels, x_train.shape[0])
    return labels[distances(x_test, x_train).argmin(axis=1)]


# --------------------------------------------------------------------------- the chapter's data

FLOW_CENTRES = np.array([[0.3, 0.3], [0.72, 0.4], [0.45, 0.75]])
"""Centres of the three classes of :func:`flow_data` in the two informative features."""


def flow_data(n_per_class, D, rng, *, spread=0.12, noise_range=1.0):
    r"""Three classes in ``D`` features, of which only the first two carry the class.

    Class :math:`k` puts its points at :math:`\boldsymbol{\mu}_k + s\,\boldsymbol{z}` in
    features 1 and 2 (:data:`FLOW_CENTRES`, :math:`s` = ``spread``, :math:`\boldsymbol{z}`
    standard normal); features 3 to :math:`D` are uniform on :math:`[0, c]` with
    :math:`c` = ``noise_range``, the same for every class. A stand-in for Bishop's oil-flow
    data. Returns ``x`` of shape ``(3 n, D)`` and the labels ``(3 n,)`` (0, 1, 2 in blocks).
    """
    n_per_class = _positive_int("n_per_class", n_per_class)
    D = _positive_int("D", D)
    if D < 2:
        raise ValueError(f"flow_data needs D >= 2 (two informative features); got D = {D}")
    _checks.generator(rng)
    spread = float(_nonneg(spread, "spread"))
    noise_range = float(_nonneg(noise_range, "noise_range"))
    labels = np.repeat(np.arange(3), n_per_class)
    x = np.empty((3 * n_per_class, D))
    x[:, :2] = FLOW_CENTRES[labels] + spread * rng.standard_normal((len(labels), 2))
    x[:, 2:] = noise_range * rng.random((len(labels), D - 2))
    return x, labels


def sample_ball_projection(n, D, *, rng):
    r"""``n`` points uniform in the unit D-ball, with no formula for the radius.

    Draw a point uniform on the unit sphere of :math:`\mathbb{R}^{D+2}` (a normalised
    standard normal vector) and keep its first :math:`D` coordinates: the result is uniform
    in the D-ball (Barthe et al. 2005). An independent check of :func:`sample_ball`, which
    draws the radius as :math:`U^{1/D}`. Returns an ``(n, D)`` array.
    """
    n = _positive_int("n", n)
    D = _positive_int("D", D)
    _checks.generator(rng)
    z = rng.standard_normal((n, D + 2))
    return z[:, :D] / np.linalg.norm(z, axis=1, keepdims=True)


def gap_ball_diameter(D, k=2):
    r"""Diameter of the ball in the centre of a stack of :math:`k^D` unit cubes, by brute force.

    Each unit cube of the stack :math:`[0, k]^D` holds a ball of diameter 1 at its centre.
    The central ball reaches to the nearest small ball, so its diameter is

    .. math:: 2\Big(\min_j \big\lVert \boldsymbol{c}_j - \tfrac{k}{2}\boldsymbol{1}\big\rVert
              - \tfrac12\Big)

    over all :math:`k^D` small-ball centres :math:`\boldsymbol{c}_j`. For even :math:`k` it
    equals :func:`central_ball_diameter`, :math:`\sqrt{D} - 1`. Memory grows like
    :math:`k^D`, so ``k**D`` is limited to :math:`10^6`.
    """
    D = _positive_int("D", D)
    k = _positive_int("k", k)
    if k**D > 10**6:
        raise ValueError(f"k**D = {k}**{D} small balls is too many for brute force (max 1e6)")
    axis = np.arange(k) + 0.5  # centres of the k cubes along one axis
    centres = np.stack(np.meshgrid(*[axis] * D), axis=-1).reshape(-1, D)
    nearest = np.linalg.norm(centres - k / 2, axis=1).min()
    return float(2 * (nearest - 0.5))


def flow_posterior(x, *, spread=0.12):
    r"""Bayes posterior of the three classes of :func:`flow_data`, an ``(n, 3)`` array.

    Only features 1 and 2 carry the class; the classes are equally likely and Gaussian
    with the same spread :math:`s`, so

    .. math:: P(k \mid \boldsymbol x) = \frac{\exp\!\big(-\lVert \boldsymbol x_{1:2} -
              \boldsymbol\mu_k\rVert^2 / 2s^2\big)}{\sum_j \exp\!\big(-\lVert
              \boldsymbol x_{1:2} - \boldsymbol\mu_j\rVert^2 / 2s^2\big)} .

    ``x`` is ``(n, D)`` with ``D >= 2``; the noise features are ignored.
    """
    x = _points("x", x)
    if x.shape[1] < 2:
        raise ValueError(f"x must have at least the 2 informative features; got {x.shape}")
    spread = float(_nonneg(spread, "spread"))
    sq = np.sum((x[:, None, :2] - FLOW_CENTRES) ** 2, axis=2)
    logit = -sq / (2 * spread**2)
    p = np.exp(logit - logit.max(axis=1, keepdims=True))
    return p / p.sum(axis=1, keepdims=True)


# --------------------------------------------------------------------------- regression


def knn_regress(x_train, y_train, x_test, k):
    r"""k-nearest-neighbour regression: the mean target of the ``k`` nearest training points,

    .. math:: \hat m_k(\boldsymbol{x}) = \frac1k \sum_{j \in \mathcal N_k(\boldsymbol{x})} y_j ,

    with :math:`\mathcal N_k(\boldsymbol{x})` the indices of the ``k`` training points
    nearest to :math:`\boldsymbol{x}` (Euclidean; ties broken arbitrarily). ``k`` is an int,
    giving an ``(m,)`` array, or a 1-d array of ints, giving an ``(m, len(k))`` array with
    one column per ``k``: all of them cost one sort of the ``max(k)`` nearest (a running
    mean). Test points are processed in blocks, so memory stays near ``4e6`` distances.
    """
    x_train = _points("x_train", x_train)
    x_test = _points("x_test", x_test, x_train.shape[1])
    n = x_train.shape[0]
    if not isinstance(y_train, np.ndarray) or y_train.shape != (n,):
        raise ValueError(
            f"y_train must be a numpy array of shape (n,) = ({n},) to match x_train; "
            f"got {getattr(y_train, 'shape', type(y_train).__name__)}"
        )
    if not np.issubdtype(y_train.dtype, np.number) or not np.all(np.isfinite(y_train)):
        raise ValueError("y_train must hold finite numbers")
    single = np.ndim(k) == 0
    ks = np.atleast_1d(np.asarray(k))
    if ks.ndim != 1 or ks.dtype == bool or not np.issubdtype(ks.dtype, np.integer):
        raise TypeError(f"k must be a positive int or a 1-d array of them; got {k!r}")
    if ks.min() < 1 or ks.max() > n:
        raise ValueError(f"k must lie in 1 .. n = {n} (the training points); got {k!r}")
    k_max = int(ks.max())
    block = max(1, 4_000_000 // n)
    out = np.empty((x_test.shape[0], len(ks)))
    for start in range(0, x_test.shape[0], block):
        d = distances(x_test[start : start + block], x_train)
        near = np.argpartition(d, k_max - 1, axis=1)[:, :k_max]
        order = np.argsort(np.take_along_axis(d, near, axis=1), axis=1)
        near = np.take_along_axis(near, order, axis=1)  # nearest first
        running = np.cumsum(y_train[near], axis=1) / np.arange(1, k_max + 1)
        out[start : start + block] = running[:, ks - 1]
    return out[:, 0] if single else out


def stone_rate(D, smoothness=1):
    r"""Exponent of the optimal rate of nonparametric regression (Stone 1982).

    For a target with ``smoothness`` :math:`p` (:math:`p = 1`: Lipschitz; :math:`p = 2`:
    twice differentiable with bounded second derivatives) of :math:`D` inputs, no estimator's
    mean squared error can be guaranteed to fall faster than :math:`N^{-2p/(2p + D)}` over
    all such targets (the worst case), and suitable ones reach it; for :math:`p = 1` and
    :math:`D \ge 3` the k-nearest-neighbour estimate does, with :math:`k \propto N^{2/(2 + D)}`
    (Györfi et al. 2002, ch. 6). Returns
    :math:`-2p/(2p + D)`, the slope on log-log axes; ``D`` may be an array.
    """
    D = _dims(D)
    p = float(_nonneg(smoothness, "smoothness"))
    if p == 0:
        raise ValueError("smoothness must be > 0")
    return _result(-2 * p / (2 * p + D))
