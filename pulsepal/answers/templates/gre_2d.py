"""
title: 2D spoiled gradient echo (GRE)
sequence_type: gradient echo
keywords: gre gradient echo spoiled flash 2d cartesian t1 weighted slice selective rf spoiling
description: Slice-selective sinc excitation, Cartesian phase encoding, readout with prephaser, spoiler gradients and RF spoiling; fixed TE and TR.
"""

import numpy as np
import pypulseq as pp

# Scanner limits: keep them below your hardware so the sequence runs everywhere.
system = pp.Opts(
    max_grad=28, grad_unit="mT/m", max_slew=150, slew_unit="T/m/s",
    rf_ringdown_time=20e-6, rf_dead_time=100e-6, adc_dead_time=10e-6,
)
seq = pp.Sequence(system=system)

fov = 256e-3          # field of view (m)
n_x, n_y = 64, 64     # matrix
slice_thickness = 5e-3
flip_deg = 15
te, tr = 5e-3, 12e-3
rf_spoil_inc = 117    # degrees, quadratic RF spoiling increment

rf, gz, gz_reph = pp.make_sinc_pulse(
    flip_angle=np.deg2rad(flip_deg), duration=2e-3, slice_thickness=slice_thickness,
    apodization=0.5, time_bw_product=4, system=system, return_gz=True, use="excitation",
)
delta_k = 1 / fov
gx = pp.make_trapezoid(channel="x", flat_area=n_x * delta_k, flat_time=3.2e-3, system=system)
adc = pp.make_adc(num_samples=n_x, duration=gx.flat_time, delay=gx.rise_time, system=system)
gx_pre = pp.make_trapezoid(channel="x", area=-gx.area / 2, duration=1e-3, system=system)
phase_areas = (np.arange(n_y) - n_y / 2) * delta_k

# Spoilers: a readout-direction crusher and a slice crusher after each echo.
gx_spoil = pp.make_trapezoid(channel="x", area=2 * n_x * delta_k, system=system)
gz_spoil = pp.make_trapezoid(channel="z", area=4 / slice_thickness, system=system)

# Delays that make TE and TR come out as requested (rounded up to the gradient raster).
raster = system.grad_raster_time
rf_center_to_block_end = pp.calc_duration(rf, gz) - (rf.delay + pp.calc_rf_center(rf)[0])
delay_te = np.ceil((te - rf_center_to_block_end - pp.calc_duration(gx_pre)
                    - pp.calc_duration(gx) / 2) / raster) * raster
delay_tr = np.ceil((tr - pp.calc_duration(gz) - pp.calc_duration(gx_pre) - pp.calc_duration(gx)
                    - delay_te) / raster) * raster
assert delay_te >= 0, "TE too short for these gradients"
assert delay_tr >= pp.calc_duration(gx_spoil, gz_spoil), "TR too short for these gradients"

rf_phase, rf_inc = 0.0, 0.0
for i in range(n_y):
    rf.phase_offset = np.deg2rad(rf_phase)
    adc.phase_offset = np.deg2rad(rf_phase)
    rf_inc = (rf_inc + rf_spoil_inc) % 360
    rf_phase = (rf_phase + rf_inc) % 360

    seq.add_block(rf, gz)
    gy_pre = pp.make_trapezoid(channel="y", area=phase_areas[i], duration=pp.calc_duration(gx_pre), system=system)
    seq.add_block(gx_pre, gy_pre, gz_reph)
    seq.add_block(pp.make_delay(delay_te))
    seq.add_block(gx, adc)
    gy_rewind = pp.make_trapezoid(channel="y", area=-phase_areas[i], duration=pp.calc_duration(gx_pre), system=system)
    seq.add_block(pp.make_delay(delay_tr), gx_spoil, gy_rewind, gz_spoil)

ok, errors = seq.check_timing()
print("check_timing:", "passed" if ok else "FAILED")
if not ok:
    print(errors)
seq.set_definition("FOV", [fov, fov, slice_thickness])
seq.set_definition("Name", "gre_2d")
if __name__ == "__main__":
    seq.write("gre_2d.seq")
