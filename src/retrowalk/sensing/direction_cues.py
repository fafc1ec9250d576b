"""Orientation-invariant direction cues of walking, per window, from a body-worn motion sensor.

Used by :class:`retrowalk.sensing.direction.DirectionDetector`; see its docstring for the
decision rule and the measured figures. All cues come from the sensor's own axes, so a sensor
worn at any angle gives the same cues (``up`` and ``travel_sensor`` turn with it):

1. Each bout is brought to a uniform ``ANALYSIS_RATE_HZ`` (block means of consecutive samples
   when the sampling is regular, :class:`~retrowalk.sensing.resample.Resampler` otherwise) and
   band-passed to 0.5-6 Hz (removes gravity, gyro bias and slow turning, keeps the step
   fundamental and harmonics). One causal pass of the same filter on every channel: a
   correlation between two channels filtered alike does not see the filter's phase. Only the
   bouts are processed, each with ``PRE_ROLL_S`` before it for the filter to settle (standing
   time is skipped), and the filtered velocity is the integral of the filtered acceleration
   (the same thing for a linear filter, one filter pass fewer).
2. ``up``: the window's mean raw acceleration direction (gravity).
3. Travel axis ``d`` (sign-free): the principal horizontal axis of the step-symmetric
   acceleration a(t) + a(t + T_step): forward-backward acceleration repeats every step,
   side-to-side sway alternates and cancels (1.2 deg median error at the waist on simulated
   sensors, scripts/direction_cue_study.py).
4. Travel sign, ``travel_strength`` = corr(a_d, v_up): the body vaults over the stance leg
   like an inverted pendulum, slowing while it rises and speeding up while it falls, walking
   forward or backward alike; so the travel acceleration is anti-correlated with the vertical
   velocity (v_up, the integral of a_up) when ``d`` points the way the walker travels.
   ``travel_sensor`` = -sign(corr) d: where the walker goes, in the sensor's frame. On the 140
   straight walks of ../shared/data/waist-imu it pointed along the sensor's -z axis (out of the
   belly: the sensors sat flat on the lower back) in every walk; corr median -0.70, never above
   -0.21. Running inverts it (the body is lowest at mid-stance): running is screened out first.
5. ``pitch_cue`` = corr(w_p, a_d) with p = up x d: pitch rate against travel acceleration,
   independent of the sign of ``d``, odd under time reversal (backward walking is close to
   forward walking played backwards). ``thigh_cue``: the same with ``d`` from the thigh's
   swing (the principal horizontal rotation axis p, d = p x up).
6. Context: heading rate (gyro about up: turning), step cadence and band-passed RMS
   (running, standing), the horizontal share of the acceleration, step correlation of the 3-D acceleration (a waist
   repeats every step, a thigh every stride: placement) and rotation RMS.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import signal as sps

from retrowalk.sensing.recording import STANDARD_GRAVITY_M_S2, MotionRecording
from retrowalk.sensing.resample import Resampler
from retrowalk.sensing.signals import step_signal, window_step_periods

FloatArray = NDArray[np.float64]

ANALYSIS_RATE_HZ = 25.0
"""Rate of the direction analysis: 4x the top of the 6 Hz band (design choice, expert-opinion)."""
BAND_HZ = (0.5, 6.0)
PRE_ROLL_S = 40.0
"""Signal filtered before each span: the band-pass's response to where it starts falls below
1e-16 of it in 33 s (slowest pole radius 0.958 per sample at 25 Hz)."""
_SETTLE_S = 40.0
"""How long the band-pass's responses to its start are kept (below 1e-16 of it after 33 s)."""
_REGULAR_JITTER = 1.5


@dataclass(frozen=True)
class Span:
    """A stretch of walking to analyse, in recording seconds, with its step times if known
    (at least three of them give the step period; otherwise it is estimated from the signal)."""

    start_s: float
    end_s: float
    step_times_s: FloatArray

    @property
    def step_period_s(self) -> float:
        """Median step interval (NaN with fewer than three steps)."""
        steps = np.asarray(self.step_times_s, dtype=np.float64)
        if steps.size < 3:
            return float("nan")
        return float(np.median(np.diff(steps)))


@dataclass(frozen=True)
class WindowCues:
    """Cues of every analysis window (arrays of one entry per window; see the module doc).

    ``span_index``: which input span the window belongs to. Vectors are in the sensor frame.
    ``pitch_cue``, ``thigh_cue``, ``heading_rate_rad_s`` and ``gyro_rms_rad_s`` are NaN
    without a gyroscope.
    """

    span_index: NDArray[np.intp]
    start_s: FloatArray
    end_s: FloatArray
    up: FloatArray  # (k, 3)
    travel_sensor: FloatArray  # (k, 3)
    travel_strength: FloatArray  # corr(a_d, v_up) magnitude, 0-1
    swing_axis: FloatArray  # (k, 3) principal horizontal rotation axis (NaN without gyro)
    pitch_cue: FloatArray
    thigh_cue: FloatArray
    heading_rate_rad_s: FloatArray
    gyro_rms_rad_s: FloatArray
    swing_rms_rad_s: FloatArray
    acc_rms_m_s2: FloatArray
    horizontal_ratio: FloatArray
    step_correlation: FloatArray
    cadence_steps_per_min: FloatArray

    @property
    def n_windows(self) -> int:
        return int(self.start_s.size)


@dataclass(frozen=True)
class _Grid:
    """The recording on a uniform grid at about ``ANALYSIS_RATE_HZ``, read a stretch at a time.

    ``q`` > 0: the sampling is regular and grid point i is the mean of samples i*q to
    i*q + q - 1 (a box anti-alias filter, then every q-th); ``q`` = 0: ``acc`` and ``gyro``
    are already resampled to the grid. ``offsets``: every channel's mean over the whole grid.
    """

    t0: float
    rate: float
    n: int
    q: int
    acc: FloatArray
    gyro: FloatArray | None
    offsets: FloatArray

    @property
    def n_channels(self) -> int:
        return 3 if self.gyro is None else 6

    def rows(self, i0: int, i1: int) -> FloatArray:
        """Grid points i0 to i1 - 1, one row per channel: acceleration x, y, z, then the
        rotation rate's if any: (3 or 6, i1 - i0)."""
        out = np.empty((self.n_channels, i1 - i0))
        q = self.q
        if q:
            _block_means(self.acc[i0 * q : i1 * q], q, out[0:3])
            if self.gyro is not None:
                _block_means(self.gyro[i0 * q : i1 * q], q, out[3:6])
        else:
            out[0:3] = self.acc[i0:i1].T
            if self.gyro is not None:
                out[3:6] = self.gyro[i0:i1].T
        return out


def _grid(recording: MotionRecording) -> _Grid:
    t = recording.time_s
    acc, gyro = recording.acc_m_s2, recording.gyro_rad_s
    mean_dt = float(t[-1] - t[0]) / (t.size - 1)
    if float(np.diff(t).max()) <= _REGULAR_JITTER * mean_dt:
        q = max(round(1.0 / (mean_dt * ANALYSIS_RATE_HZ)), 1)
        n = t.size // q
        channels = [acc] if gyro is None else [acc, gyro]
        offsets = np.concatenate([np.einsum("nc->c", c[: n * q]) / (n * q) for c in channels])
        return _Grid(float(t[:q].mean()), 1.0 / (mean_dt * q), n, q, acc, gyro, offsets)
    uni = Resampler(rate_hz=ANALYSIS_RATE_HZ, max_gap_s=1e9).resample(recording)
    channels = [uni.acc_m_s2] if uni.gyro_rad_s is None else [uni.acc_m_s2, uni.gyro_rad_s]
    offsets = np.concatenate([c.mean(axis=0) for c in channels])
    n = uni.acc_m_s2.shape[0]
    return _Grid(uni.start_s, uni.rate_hz, n, 0, uni.acc_m_s2, uni.gyro_rad_s, offsets)


def _block_means(x: FloatArray, q: int, out: FloatArray) -> None:
    """Means of consecutive blocks of ``q`` rows of ``x`` (n, 3), written transposed into
    ``out`` (3, n // q)."""
    m = out.shape[1]
    np.einsum("nqc->cn", x[: m * q].reshape(m, q, x.shape[1]), out=out)
    out /= q


@functools.lru_cache(maxsize=16)
def _band(rate_hz: float) -> FloatArray:
    high = min(BAND_HZ[1], 0.45 * rate_hz)
    sos = sps.butter(4, [BAND_HZ[0], high], btype="bandpass", fs=rate_hz, output="sos")
    return np.asarray(sos, dtype=np.float64)


def _principal_axis(m11: FloatArray, m12: FloatArray, m22: FloatArray) -> FloatArray:
    """Angle (rad) of the principal axis of symmetric 2x2 matrices."""
    return np.asarray(0.5 * np.arctan2(2.0 * m12, m11 - m22))


def _quad(u: FloatArray, c: FloatArray, v: FloatArray) -> FloatArray:
    """u_k^T C_k v_k for every window k (u, v: (3, k); C: (3, 3, k))."""
    cv = c[:, 0] * v[0] + c[:, 1] * v[1] + c[:, 2] * v[2]
    return np.asarray(u[0] * cv[0] + u[1] * cv[1] + u[2] * cv[2])


def _corr(
    u: FloatArray, cuv: FloatArray, v: FloatArray, cuu: FloatArray, cvv: FloatArray
) -> FloatArray:
    num = _quad(u, cuv, v)
    den = np.sqrt(np.maximum(_quad(u, cuu, u) * _quad(v, cvv, v), 1e-18))
    return np.asarray(np.clip(num / den, -1.0, 1.0))


def _block_products(x: FloatArray, block: int, n_blocks: int) -> FloatArray:
    """Sums over consecutive blocks of ``block`` columns of the products of every two rows of
    ``x`` (c, n): (c * c, n_blocks), row i * c + j for rows i and j."""
    c = x.shape[0]
    xb = np.ascontiguousarray(x[:, : n_blocks * block].reshape(c, n_blocks, block).swapaxes(0, 1))
    return np.asarray(np.matmul(xb, xb.transpose(0, 2, 1)).reshape(n_blocks, c * c).T)


def _block_sums(x: FloatArray, block: int, n_blocks: int) -> FloatArray:
    """Sums over consecutive blocks of ``block`` columns of every row of ``x`` (c, n):
    (c, n_blocks)."""
    c = x.shape[0]
    return np.asarray(x[:, : n_blocks * block].reshape(c, n_blocks, block).sum(axis=2))


def window_cues(
    recording: MotionRecording,
    spans: Sequence[Span],
    window_s: float,
    hop_s: float,
) -> WindowCues:
    """Cues of windows of ``window_s`` seconds every ``hop_s`` seconds inside each span.

    A span shorter than a window gives one window over the whole span when it lasts at
    least half a window, none otherwise. Only the spans are analysed, each with the
    ``PRE_ROLL_S`` seconds before it (the filter settles in them: no span edge sees a filter
    transient; spans closer together are filtered in one stretch, from the recording's
    start when it is that close). Every window is summed from per-hop blocks: the blocks'
    sums of every channel and of the products of every two channels are cumulated once, a
    window's means are the difference of two cumulated columns.
    """
    grid = _grid(recording)
    rate, n = grid.rate, grid.n
    hop = max(round(hop_s * rate), 1)
    per_window = max(round(window_s / hop_s), 1)
    n_blocks = n // hop
    k_start, k_len, owner = _windows(spans, grid.t0, rate, hop, per_window, n_blocks)
    if k_start.size == 0:
        return _empty_cues()
    end = k_start + k_len
    # each span's blocks, step period and the stretch of grid points it needs
    period_s = np.full(len(spans), np.nan)
    needs = []
    pre_roll = round(PRE_ROLL_S * rate)
    for j in np.unique(owner).tolist():
        k0, k1 = int(k_start[owner == j].min()), int(end[owner == j].max())
        i0, i1 = k0 * hop, k1 * hop
        period = spans[j].step_period_s
        if not np.isfinite(period):
            period = _estimated_step_period_s(grid.rows(i0, i1)[0:3].T, rate)
        period_s[j] = period
        lag = min(max(round(period * rate), 1), n - i0 - 1)
        needs.append((max(i0 - pre_roll, 0), min(i1 + lag, n), j, k0, k1, lag))
    n_raw = grid.n_channels
    n_f = 9 if n_raw == 6 else 6
    # one row per quantity, one column per block: sums of the raw channels (less their
    # means), of the filtered ones (a, v, w), of the products of every two filtered ones,
    # of the step-symmetric acceleration b(t) = a(t) + a(t + T_step) and of its products
    rows = np.cumsum([0, n_raw, n_f, n_f * n_f, 3, 9])
    blocks = np.zeros((int(rows[-1]), n_blocks))
    for s0, s1, members in _merged(needs):
        x, filtered = _filtered(grid.rows(s0, s1), grid.offsets, rate)
        b0, b1 = -(-s0 // hop), s1 // hop  # whole blocks inside the stretch
        o = b0 * hop - s0
        blocks[rows[0] : rows[1], b0:b1] = _block_sums(x[:, o:], hop, b1 - b0)
        blocks[rows[1] : rows[2], b0:b1] = _block_sums(filtered[:, o:], hop, b1 - b0)
        blocks[rows[2] : rows[3], b0:b1] = _block_products(filtered[:, o:], hop, b1 - b0)
        a = filtered[0:3]
        for _, _, _, k0, k1, lag in members:
            i0, i1 = k0 * hop - s0, k1 * hop - s0
            b = a[:, i0:i1].copy()
            tail = min(i1 + lag, s1 - s0) - (i0 + lag)
            b[:, :tail] += a[:, i0 + lag : i0 + lag + tail]
            blocks[rows[3] : rows[4], k0:k1] = _block_sums(b, hop, k1 - k0)
            blocks[rows[4] : rows[5], k0:k1] = _block_products(b, hop, k1 - k0)
    cumulated = np.empty((blocks.shape[0], n_blocks + 1))
    cumulated[:, 0] = 0.0
    np.cumsum(blocks, axis=1, out=cumulated[:, 1:])
    # np.take: much faster than fancy indexing along the second axis
    sums = np.take(cumulated, end, axis=1) - np.take(cumulated, k_start, axis=1)
    means = sums / (k_len * hop).astype(np.float64)
    cues = _derive(_split_means(means, grid.offsets, n_raw == 6))
    start_s = grid.t0 + k_start * hop / rate
    end_s = grid.t0 + end * hop / rate
    cadence = _cadence(spans, owner, start_s, end_s, period_s)
    return WindowCues(
        span_index=owner,
        start_s=start_s,
        end_s=end_s,
        cadence_steps_per_min=cadence,
        **cues,
    )


_Need = tuple[int, int, int, int, int, int]


def _merged(needs: list[_Need]) -> list[tuple[int, int, list[_Need]]]:
    """Stretches (first, last + 1 grid point) covering the spans' needs, overlapping ones
    merged, with the needs each covers."""
    out: list[tuple[int, int, list[_Need]]] = []
    for need in sorted(needs):
        if out and need[0] < out[-1][1]:
            s0, s1, members = out[-1]
            out[-1] = (s0, max(s1, need[1]), [*members, need])
        else:
            out.append((need[0], need[1], [need]))
    return out


def _filtered(uni: FloatArray, offsets: FloatArray, rate: float) -> tuple[FloatArray, FloatArray]:
    """The channels less their means over the recording (3 or 6 rows), and the band-passed
    acceleration (a), its integral (v) and rotation rate (w) (6 or 9 rows).

    v is the band-pass of the integral of the acceleration, the same filter as a's, so that
    a and v differ by the integration alone. Both are linear and time-invariant, so it is
    computed as the integral of a (one filter pass fewer), plus the response to the step
    by which the filter's steady start differs (it fades within ``_SETTLE_S``).
    """
    x = uni - offsets[:, None]
    rate_key = round(rate, 2)
    filtered = _filter(rate_key, x)
    n = x.shape[1]
    out = np.empty((filtered.shape[0] + 3, n))
    out[0:3] = filtered[0:3]
    out[6:] = filtered[3:]
    v = out[3:6]
    np.cumsum(filtered[0:3], axis=1, out=v)
    ramp = _step_ramp(rate_key)
    m = min(n, ramp.size)
    v[:, :m] += x[0:3, 0:1] * ramp[:m]
    v /= rate
    return x, out


@functools.lru_cache(maxsize=16)
def _step_ramp(rate_hz: float) -> FloatArray:
    """Cumulated response of the band-pass, from rest, to a unit step starting at the
    second sample: what the filtered integral of a channel gains from starting the filter
    in the steady state of its first value (``_SETTLE_S`` long, negligible after)."""
    n = round(_SETTLE_S * rate_hz)
    step = np.ones(n)
    step[0] = 0.0
    return np.asarray(np.cumsum(sps.sosfilt(_band(rate_hz), step)))


def _split_means(means: FloatArray, offsets: FloatArray, has_gyro: bool) -> dict[str, FloatArray]:
    """The windows' means by name from the rows of ``window_cues``'s blocks: vectors (3, k),
    matrices (3, 3, k)."""
    k = means.shape[1]
    n_raw, n_f = (6, 9) if has_gyro else (3, 6)
    row = n_raw + n_f
    products = means[row : row + n_f * n_f].reshape(n_f, n_f, k)
    row += n_f * n_f
    f = means[n_raw : n_raw + n_f]
    m = {
        "raw": means[0:3] + offsets[0:3, None],
        "a": f[0:3],
        "v": f[3:6],
        "aa": products[0:3, 0:3],
        "av": products[0:3, 3:6],
        "vv": products[3:6, 3:6],
        "b": means[row : row + 3],
        "bb": means[row + 3 : row + 12].reshape(3, 3, k),
    }
    if has_gyro:
        m["graw"] = means[3:6] + offsets[3:6, None]
        m["w"] = f[6:9]
        m["ww"] = products[6:9, 6:9]
        m["wa"] = products[6:9, 0:3]
    return m


@functools.lru_cache(maxsize=16)
def _band_zi(rate_hz: float) -> FloatArray:
    """The band-pass's steady-state initial conditions for a unit step."""
    return np.asarray(sps.sosfilt_zi(_band(rate_hz)), dtype=np.float64)


def _filter(rate_hz: float, x: FloatArray) -> FloatArray:
    """Causal band-pass (:func:`_band`) of every row of ``x``, starting in the steady state
    of its first sample."""
    sos = _band(rate_hz)
    zi = _band_zi(rate_hz)[:, None, :] * x[:, 0][None, :, None]
    y, _ = sps.sosfilt(sos, x, axis=-1, zi=zi)
    return np.asarray(y)


def _windows(
    spans: Sequence[Span], t0: float, rate: float, hop: int, per_window: int, n_blocks: int
) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.intp]]:
    """First block, number of blocks and span of every window."""
    starts, lengths, owners = [], [], []
    for j, span in enumerate(spans):
        k0 = max(int(np.ceil((span.start_s - t0) * rate / hop - 1e-6)), 0)
        k1 = min(int(np.floor((span.end_s - t0) * rate / hop + 1e-6)), n_blocks)
        m = k1 - k0
        if m >= per_window:
            ks = np.arange(k0, k1 - per_window + 1)
            starts.append(ks)
            lengths.append(np.full(ks.size, per_window))
        elif m > 0 and 2 * m >= per_window:
            starts.append(np.array([k0]))
            lengths.append(np.array([m]))
        else:
            continue
        owners.append(np.full(starts[-1].size, j))
    if not starts:
        empty = np.zeros(0, dtype=np.intp)
        return empty, empty, empty
    return (
        np.concatenate(starts).astype(np.intp),
        np.concatenate(lengths).astype(np.intp),
        np.concatenate(owners).astype(np.intp),
    )


def _cov(m: dict[str, FloatArray], xy: str, x: str, y: str) -> FloatArray:
    return np.asarray(m[xy] - m[x][:, None, :] * m[y][None, :, :])


def _trace(c: FloatArray) -> FloatArray:
    return np.asarray(c[0, 0] + c[1, 1] + c[2, 2])


def _derive(m: dict[str, FloatArray]) -> dict[str, FloatArray]:
    """Per-window cues from the windows' means of samples and of their products (vectors
    (3, k), matrices (3, 3, k): one column per window; the cues' vectors come out (k, 3))."""
    caa, cbb = _cov(m, "aa", "a", "a"), _cov(m, "bb", "b", "b")
    cav, cvv = _cov(m, "av", "a", "v"), _cov(m, "vv", "v", "v")
    k = caa.shape[2]
    mean_raw = m["raw"]
    up = mean_raw / np.maximum(np.sqrt((mean_raw * mean_raw).sum(axis=0)), 1e-9)
    ref = np.eye(3)[:, np.argmin(np.abs(up), axis=0)]
    e1 = np.cross(up, ref, axis=0)
    e1 /= np.sqrt((e1 * e1).sum(axis=0))
    e2 = np.cross(up, e1, axis=0)
    theta = _principal_axis(_quad(e1, cbb, e1), _quad(e1, cbb, e2), _quad(e2, cbb, e2))
    d = np.cos(theta) * e1 + np.sin(theta) * e2
    s = _corr(d, cav, up, caa, cvv)
    nan = np.full(k, np.nan)
    out = {
        "up": up.T.copy(),
        "travel_sensor": (-np.sign(s) * d).T.copy(),
        "travel_strength": np.abs(s),
        "swing_axis": np.full((k, 3), np.nan),
        "pitch_cue": nan,
        "thigh_cue": nan.copy(),
        "heading_rate_rad_s": nan.copy(),
        "gyro_rms_rad_s": nan.copy(),
        "swing_rms_rad_s": nan.copy(),
    }
    if "ww" in m:
        cww, cwa = _cov(m, "ww", "w", "w"), _cov(m, "wa", "w", "a")
        out["pitch_cue"] = _corr(np.cross(up, d, axis=0), cwa, d, cww, caa)
        phi = _principal_axis(_quad(e1, cww, e1), _quad(e1, cww, e2), _quad(e2, cww, e2))
        swing = np.cos(phi) * e1 + np.sin(phi) * e2
        out["swing_axis"] = swing.T.copy()
        out["thigh_cue"] = _corr(swing, cwa, np.cross(swing, up, axis=0), cww, caa)
        out["heading_rate_rad_s"] = (m["graw"] * up).sum(axis=0)
        total_w = _trace(cww)
        out["gyro_rms_rad_s"] = np.sqrt(total_w)
        out["swing_rms_rad_s"] = np.sqrt(np.maximum(total_w - _quad(up, cww, up), 0.0))
    trace_aa = _trace(caa)
    vertical = np.maximum(_quad(up, caa, up), 1e-12)
    out["acc_rms_m_s2"] = np.sqrt(trace_aa)
    out["horizontal_ratio"] = np.sqrt(np.maximum(trace_aa - vertical, 0.0) / vertical)
    out["step_correlation"] = _trace(cbb) / np.maximum(2.0 * trace_aa, 1e-12) - 1.0
    return out


def _cadence(
    spans: Sequence[Span],
    owner: NDArray[np.intp],
    start_s: FloatArray,
    end_s: FloatArray,
    period_s: FloatArray,
) -> FloatArray:
    """Steps per minute in each window: the mean interval between its first and last step
    (no edge effect from steps cut by the window), else the span's step period."""
    counted = np.array([np.asarray(s.step_times_s).size >= 3 for s in spans])
    cadence = 60.0 / period_s[owner]
    steps = [np.asarray(s.step_times_s, dtype=np.float64) for s in spans if s.step_times_s.size]
    if steps and counted.any():
        all_steps = np.sort(np.concatenate(steps))
        first = np.searchsorted(all_steps, start_s, side="left")
        last = np.searchsorted(all_steps, end_s, side="right") - 1
        intervals = last - first
        ok = counted[owner] & (intervals >= 2)
        lo = np.clip(first, 0, all_steps.size - 1)
        hi = np.clip(last, 0, all_steps.size - 1)
        spread = np.maximum(all_steps[hi] - all_steps[lo], 1e-9)
        cadence = np.where(ok, 60.0 * intervals / spread, cadence)
    return np.asarray(cadence, dtype=np.float64)


def _empty_cues() -> WindowCues:
    v0, s0 = np.zeros((0, 3)), np.zeros(0)
    return WindowCues(
        span_index=np.zeros(0, dtype=np.intp),
        start_s=s0,
        end_s=s0,
        up=v0,
        travel_sensor=v0,
        travel_strength=s0,
        swing_axis=v0,
        pitch_cue=s0,
        thigh_cue=s0,
        heading_rate_rad_s=s0,
        gyro_rms_rad_s=s0,
        swing_rms_rad_s=s0,
        acc_rms_m_s2=s0,
        horizontal_ratio=s0,
        step_correlation=s0,
        cadence_steps_per_min=s0,
    )


def _estimated_step_period_s(raw: FloatArray, rate: float) -> float:
    """Step period of a span without step times: windowed autocorrelation of the step signal
    (as the bout detector does); 0.55 s (about 110 steps/min) when none is found."""
    x = step_signal(raw, rate)
    window_s = min(5.0, (x.size - 1) / rate)
    if window_s < 2.3:
        return 0.55
    w = window_step_periods(x, rate, window_s, 1.0, (0.3, 1.1))
    periods = w.step_period_s[np.isfinite(w.step_period_s)]
    return float(np.median(periods)) if periods.size else 0.55


def gravity_like(recording: MotionRecording) -> bool:
    """Whether the acceleration holds gravity: the recording says so and its median magnitude
    is plausible for it (0.3-3 g; running and a swinging thigh stay inside)."""
    if not recording.gravity_included or recording.n_samples == 0:
        return False
    step = max(recording.n_samples // 20000, 1)  # a sample of them is plenty
    acc = recording.acc_m_s2[::step]
    mag = np.sqrt(np.einsum("ij,ij->i", acc, acc))
    median = float(np.median(mag))
    return 0.3 * STANDARD_GRAVITY_M_S2 < median < 3.0 * STANDARD_GRAVITY_M_S2
