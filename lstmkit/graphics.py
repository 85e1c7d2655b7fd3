r"""3-D graphics in homogeneous coordinates: 4 x 4 matrices and the perspective divide.

A point :math:`(x, y, z)` is stored as the column :math:`(x, y, z, 1)^{\top}`. Then a
rotation :math:`\boldsymbol{R}` and a translation by :math:`\boldsymbol{t}`, which is not a
linear map of :math:`\mathbb{R}^3` (it moves the origin), both become 4 x 4 matrices,

.. math::

    \begin{pmatrix} \boldsymbol{R} & \boldsymbol{0} \\ \boldsymbol{0}^{\top} & 1 \end{pmatrix},
    \qquad
    \begin{pmatrix} \boldsymbol{I} & \boldsymbol{t} \\ \boldsymbol{0}^{\top} & 1 \end{pmatrix},

and a pinhole camera at the origin looking along :math:`+z` with focal length :math:`f` is

.. math::

    \boldsymbol{P} = \begin{pmatrix} f & 0 & 0 & 0 \\ 0 & f & 0 & 0 \\
        0 & 0 & 1 & 0 \\ 0 & 0 & 1 & 0 \end{pmatrix}, \qquad
    \boldsymbol{P}\begin{pmatrix} x \\ y \\ z \\ 1 \end{pmatrix}
    = \begin{pmatrix} fx \\ fy \\ z \\ z \end{pmatrix}
    \;\xrightarrow{\ \div w\ }\; \left(\frac{fx}{z}, \frac{fy}{z}\right).

The whole chain is **one** matrix :math:`\boldsymbol{M} = \boldsymbol{P}\boldsymbol{T}
\boldsymbol{R}`, applied to all vertices in one product ``M @ points``. Only the last step,
the division by the fourth coordinate :math:`w = z`, is not linear.

Examples
--------
>>> import numpy as np
>>> M = perspective(2.0) @ translation([0.0, 0.0, 4.0])
>>> project(M, np.array([[1.0], [1.0], [0.0]])).ravel().tolist()
[0.5, 0.5]
"""

import numpy as np

from ._checks import float_array

__all__ = [
    "rotation",
    "translation",
    "perspective",
    "homogeneous",
    "project",
    "project_loop",
    "cube",
]

_AXES = {"x": (1, 2), "y": (2, 0), "z": (0, 1)}


def rotation(axis, angle):
    r"""The 4 x 4 matrix of a rotation by ``angle`` radians about the ``"x"``, ``"y"`` or
    ``"z"`` axis (right-handed: counter-clockwise seen from the positive axis).

    For ``axis="z"`` the upper-left block is
    :math:`\begin{pmatrix}\cos\alpha & -\sin\alpha \\ \sin\alpha & \cos\alpha\end{pmatrix}`.
    """
    if axis not in _AXES:
        raise ValueError(f"axis must be 'x', 'y' or 'z'; got {axis!r}")
    if not np.isfinite(angle):
        raise ValueError(f"angle must be a finite number of radians; got {angle}")
    i, j = _AXES[axis]
    c, s = np.cos(angle), np.sin(angle)
    M = np.eye(4)
    M[i, i], M[i, j], M[j, i], M[j, j] = c, -s, s, c
    return M


def translation(t):
    r"""The 4 x 4 matrix that adds :math:`\boldsymbol{t} = (t_x, t_y, t_z)` to every point."""
    t = np.asarray(t, dtype=np.float64)
    if t.shape != (3,) or not np.all(np.isfinite(t)):
        raise ValueError(f"t must be 3 finite numbers, shape (3,); got shape {t.shape}")
    M = np.eye(4)
    M[:3, 3] = t
    return M


def perspective(f):
    r"""The pinhole camera matrix :math:`\boldsymbol{P}` with focal length :math:`f > 0`:
    after the divide, a point at depth :math:`z` lands at :math:`(fx/z, fy/z)`."""
    if not np.isfinite(f) or f <= 0:
        raise ValueError(f"f must be a positive focal length; got {f}")
    P = np.zeros((4, 4))
    P[0, 0] = P[1, 1] = f
    P[2, 2] = P[3, 2] = 1.0
    return P


def homogeneous(points):
    """Append a row of ones: points ``(3, N)`` become ``(4, N)`` homogeneous columns."""
    float_array("points", points)
    if points.ndim != 2 or points.shape[0] != 3:
        raise ValueError(f"points must have shape (3, N), one column per point; got {points.shape}")
    return np.vstack([points, np.ones((1, points.shape[1]), dtype=points.dtype)])


def _check_matrix(M):
    float_array("M", M)
    if M.shape != (4, 4):
        raise ValueError(f"M must be a 4 x 4 matrix; got shape {M.shape}")


def project(M, points):
    r"""Screen coordinates of ``points`` (shape ``(3, N)``) under the 4 x 4 matrix ``M``:
    one product :math:`\boldsymbol{M}\tilde{\boldsymbol{p}}` for all columns, then the
    perspective divide by the fourth row. Returns shape ``(2, N)``.

    Raises ``ValueError`` if a point ends up on or behind the camera (:math:`w \le 0`).
    """
    _check_matrix(M)
    q = M @ homogeneous(points)
    if np.any(q[3] <= 0):
        raise ValueError("a point lies on or behind the camera plane (w <= 0)")
    return q[:2] / q[3]


def project_loop(M, points):
    """The same result as :func:`project`, one point at a time in a Python loop (slow on
    purpose: most of its time goes to the interpreter's work per point, which one matrix
    product pays only once; a compiled loop would come much closer to the product)."""
    _check_matrix(M)
    float_array("points", points)
    if points.ndim != 2 or points.shape[0] != 3:
        raise ValueError(f"points must have shape (3, N), one column per point; got {points.shape}")
    m = M.tolist()
    out = np.empty((2, points.shape[1]))
    for n, (x, y, z) in enumerate(points.T.tolist()):
        u = [r[0] * x + r[1] * y + r[2] * z + r[3] for r in m]
        if u[3] <= 0:
            raise ValueError("a point lies on or behind the camera plane (w <= 0)")
        out[0, n], out[1, n] = u[0] / u[3], u[1] / u[3]
    return out


def cube(size=1.0):
    """Vertices ``(3, 8)`` and edges ``(12, 2)`` (pairs of vertex indices) of a cube with
    side ``size`` centred on the origin. Vertex ``k`` has coordinates given by the bits of
    ``k``; an edge joins two vertices that differ in exactly one bit."""
    if not np.isfinite(size) or size <= 0:
        raise ValueError(f"size must be positive; got {size}")
    bits = (np.arange(8)[None, :] >> np.arange(3)[:, None]) & 1
    vertices = size * (bits - 0.5)
    edges = np.array([(k, k | 1 << d) for k in range(8) for d in range(3) if not k >> d & 1])
    return vertices, edges
