"""Simulate a body-worn sensor from one joint of a BVH file and write the generic sensor CSV.

    python scripts/simulate_bvh.py FILE.bvh --joint Hips --rate 100 --rotation-deg 0,0,30 \
        --out out.csv

``Hips`` = waist, ``UpperLeg_L`` / ``UpperLeg_R`` = front trouser pocket. A thin wrapper of
:func:`retrowalk.formats.bvh.read_bvh`, :func:`retrowalk.formats.bvh.global_pose` and
:class:`retrowalk.sensing.imu_sim.ImuSimulator`.
"""

from __future__ import annotations

import argparse
import sys

from scipy.spatial.transform import Rotation

from retrowalk.errors import RetrowalkError
from retrowalk.formats.bvh import global_pose, read_bvh
from retrowalk.formats.generic_csv_writer import write_generic_csv
from retrowalk.sensing.imu_sim import ImuSimulator


def _triple(text: str) -> tuple[float, float, float]:
    parts = text.split(",")
    if len(parts) != 3:
        raise argparse.ArgumentTypeError(f"{text!r}: need three comma-separated numbers")
    try:
        x, y, z = (float(p) for p in parts)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r}: need three numbers") from exc
    return (x, y, z)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("bvh")
    ap.add_argument("--joint", default="Hips", help="segment carrying the sensor [Hips]")
    ap.add_argument("--rate", type=float, default=100.0, help="sampling rate, Hz [100]")
    ap.add_argument(
        "--rotation-deg",
        type=_triple,
        default=(0.0, 0.0, 0.0),
        help="mounting rotation of the sensor in the segment frame: extrinsic x,y,z Euler "
        "angles in degrees [0,0,0]",
    )
    ap.add_argument(
        "--lever-arm-cm",
        type=_triple,
        default=(0.0, 0.0, 0.0),
        help="sensor position in the segment frame, cm [0,0,0]",
    )
    ap.add_argument("--acc-noise", type=float, default=0.02, help="m/s^2 rms [0.02]")
    ap.add_argument("--gyro-noise", type=float, default=0.005, help="rad/s rms [0.005]")
    ap.add_argument("--acc-bias", type=_triple, default=(0.0, 0.0, 0.0), help="m/s^2 [0,0,0]")
    ap.add_argument("--gyro-bias", type=_triple, default=(0.0, 0.0, 0.0), help="rad/s [0,0,0]")
    ap.add_argument("--seed", type=int, default=0, help="noise seed [0]")
    ap.add_argument("--out", required=True, help="CSV file to write")
    args = ap.parse_args(argv)
    try:
        pose = global_pose(read_bvh(args.bvh))
        sim = ImuSimulator(
            sampling_rate_hz=args.rate,
            mounting_rotation=Rotation.from_euler("xyz", args.rotation_deg, degrees=True),
            lever_arm_m=tuple(v / 100.0 for v in args.lever_arm_cm),  # type: ignore[arg-type]
            acc_noise_m_s2=args.acc_noise,
            gyro_noise_rad_s=args.gyro_noise,
            acc_bias_m_s2=args.acc_bias,
            gyro_bias_rad_s=args.gyro_bias,
            seed=args.seed,
        )
        rec = sim.simulate(
            pose.position_m(args.joint), pose.orientation(args.joint), pose.frame_rate_hz
        )
        write_generic_csv(rec, args.out)
    except RetrowalkError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {rec.n_samples} samples ({rec.duration_s:.2f} s) to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
