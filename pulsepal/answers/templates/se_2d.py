"""
title: 2D spin echo (SE)
sequence_type: spin echo
keywords: se spin echo 2d refocusing 180 crusher t2 weighted cartesian slice selective
description: 90-degree sinc excitation, 180-degree refocusing pulse framed by crushers, Cartesian readout; TE is set by placing the refocusing pulse at TE/2.
"""

import numpy as np
import pypulseq as pp

system = pp.Opts(
    max_grad=28, grad_unit="mT/m", max_slew=120, slew_unit="T/m/s",
    rf_ringdown_time=20e-6, rf_dead_time=100e-6, adc_dead_time=10e-6,
)
seq = pp.Sequence(system=system)

fov, n_x, n_y = 220e-3, 64, 64
slice_thickness = 5e-3
te, tr = 30e-3, 500e-3

rf90, gz90, gz90_reph = pp.make_sinc_pulse(
    flip_angle=np.pi / 2, duration=3e-3, slice_thickness=slice_thickness, time_bw_product=4,
    apodization=0.5, system=system, return_gz=True, use="excitation",
)
rf180, gz180, _ = pp.make_sinc_pulse(
    flip_angle=np.pi, duration=3e-3, slice_thickness=slice_thickness, time_bw_product=4,
    apodization=0.5, phase_offset=np.pi / 2, system=system, return_gz=True, use="refocusing",
)
# Crushers either side of the refocusing pulse remove the FID of an imperfect 180.
crusher = pp.make_trapezoid(channel="z", area=3 / slice_thickness, duration=1.6e-3, system=system)

delta_k = 1 / fov
gx = pp.make_trapezoid(channel="x", flat_area=n_x * delta_k, flat_time=4e-3, system=system)
adc = pp.make_adc(num_samples=n_x, duration=gx.flat_time, delay=gx.rise_time, system=system)
# The 180 inverts the prephaser, so it has the same sign as the readout.
gx_pre = pp.make_trapezoid(channel="x", area=gx.area / 2, duration=2e-3, system=system)
phase_areas = (np.arange(n_y) - n_y / 2) * delta_k

raster = system.grad_raster_time
rf90_center_to_end = pp.calc_duration(rf90, gz90) - (rf90.delay + pp.calc_rf_center(rf90)[0])
rf180_center = rf180.delay + pp.calc_rf_center(rf180)[0]
block_180 = pp.calc_duration(rf180, gz180)
# First half: end of 90 block -> prephase block -> delay -> crusher -> 180 centre.
delay1 = te / 2 - rf90_center_to_end - pp.calc_duration(gx_pre) - pp.calc_duration(crusher) - rf180_center
# Second half: 180 centre -> crusher -> delay -> readout centre.
delay2 = te / 2 - (block_180 - rf180_center) - pp.calc_duration(crusher) - pp.calc_duration(gx) / 2
delay1 = np.ceil(delay1 / raster) * raster
delay2 = np.ceil(delay2 / raster) * raster
assert delay1 >= 0 and delay2 >= 0, "TE too short"
used = (pp.calc_duration(rf90, gz90) + pp.calc_duration(gx_pre) + delay1 + 2 * pp.calc_duration(crusher)
        + block_180 + delay2 + pp.calc_duration(gx))
delay_tr = np.ceil((tr - used) / raster) * raster
assert delay_tr > 0, "TR too short"

for i in range(n_y):
    seq.add_block(rf90, gz90)
    gy_pre = pp.make_trapezoid(channel="y", area=phase_areas[i], duration=2e-3, system=system)
    seq.add_block(gx_pre, gy_pre, gz90_reph)
    if delay1 > 0:
        seq.add_block(pp.make_delay(delay1))
    seq.add_block(crusher)
    seq.add_block(rf180, gz180)
    seq.add_block(crusher)
    if delay2 > 0:
        seq.add_block(pp.make_delay(delay2))
    seq.add_block(gx, adc)
    seq.add_block(pp.make_delay(delay_tr))

ok, errors = seq.check_timing()
print("check_timing:", "passed" if ok else "FAILED")
if not ok:
    print(errors)
seq.set_definition("FOV", [fov, fov, slice_thickness])
seq.set_definition("Name", "se_2d")
if __name__ == "__main__":
    seq.write("se_2d.seq")
