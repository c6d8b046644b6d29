"""
title: Inversion recovery spin echo (IR-SE)
sequence_type: inversion recovery
keywords: inversion recovery ir ti inversion time t1 mapping flair stir adiabatic 180 inversion pulse spin echo null
description: A non-selective adiabatic inversion, a spoiler, an inversion-time delay, then a slice-selective spin echo readout of one k-space line per TR.
"""

import numpy as np
import pypulseq as pp

system = pp.Opts(
    max_grad=28, grad_unit="mT/m", max_slew=120, slew_unit="T/m/s",
    rf_ringdown_time=20e-6, rf_dead_time=100e-6, adc_dead_time=10e-6,
)
seq = pp.Sequence(system=system)

fov, n_x, n_y = 220e-3, 64, 32
slice_thickness = 5e-3
ti, te, tr = 400e-3, 20e-3, 2000e-3

# Hyperbolic-secant adiabatic inversion: robust to B1 inhomogeneity.
rf_inv = pp.make_adiabatic_pulse(pulse_type="hypsec", duration=10.24e-3, system=system, use="inversion")
gz_inv_spoil = pp.make_trapezoid(channel="z", area=6 / slice_thickness, duration=3e-3, system=system)

rf90, gz90, gz90_reph = pp.make_sinc_pulse(
    flip_angle=np.pi / 2, duration=3e-3, slice_thickness=slice_thickness, time_bw_product=4,
    system=system, return_gz=True, use="excitation",
)
rf180, gz180, _ = pp.make_sinc_pulse(
    flip_angle=np.pi, duration=3e-3, slice_thickness=slice_thickness, time_bw_product=4,
    phase_offset=np.pi / 2, system=system, return_gz=True, use="refocusing",
)
crusher = pp.make_trapezoid(channel="z", area=3 / slice_thickness, duration=1.6e-3, system=system)
dk = 1 / fov
gx = pp.make_trapezoid(channel="x", flat_area=n_x * dk, flat_time=4e-3, system=system)
adc = pp.make_adc(num_samples=n_x, duration=gx.flat_time, delay=gx.rise_time, system=system)
gx_pre = pp.make_trapezoid(channel="x", area=gx.area / 2, duration=2e-3, system=system)
areas_y = (np.arange(n_y) - n_y / 2) * dk

raster = system.grad_raster_time


def round_up(t):
    return np.ceil(t / raster) * raster


# TI runs from the centre of the inversion pulse to the centre of the excitation.
inv_center = rf_inv.delay + pp.calc_rf_center(rf_inv)[0]
exc_center = rf90.delay + pp.calc_rf_center(rf90)[0]
delay_ti = round_up(ti - (pp.calc_duration(rf_inv) - inv_center) - pp.calc_duration(gz_inv_spoil) - exc_center)
c90_to_end = pp.calc_duration(rf90, gz90) - exc_center
c180 = rf180.delay + pp.calc_rf_center(rf180)[0]
delay1 = round_up(te / 2 - c90_to_end - pp.calc_duration(gx_pre) - pp.calc_duration(crusher) - c180)
delay2 = round_up(te / 2 - (pp.calc_duration(rf180, gz180) - c180) - pp.calc_duration(crusher)
                  - pp.calc_duration(gx) / 2)
assert min(delay_ti, delay1, delay2) > 0, "TI or TE too short"
used = (pp.calc_duration(rf_inv) + pp.calc_duration(gz_inv_spoil) + delay_ti + pp.calc_duration(rf90, gz90)
        + pp.calc_duration(gx_pre) + delay1 + 2 * pp.calc_duration(crusher) + pp.calc_duration(rf180, gz180)
        + delay2 + pp.calc_duration(gx))
delay_tr = round_up(tr - used)
assert delay_tr > 0, "TR too short"

for iy in range(n_y):
    seq.add_block(rf_inv)
    seq.add_block(gz_inv_spoil)
    seq.add_block(pp.make_delay(delay_ti))
    seq.add_block(rf90, gz90)
    gy_pre = pp.make_trapezoid(channel="y", area=areas_y[iy], duration=2e-3, system=system)
    seq.add_block(gx_pre, gy_pre, gz90_reph)
    seq.add_block(pp.make_delay(delay1))
    seq.add_block(crusher)
    seq.add_block(rf180, gz180)
    seq.add_block(crusher)
    seq.add_block(pp.make_delay(delay2))
    seq.add_block(gx, adc)
    seq.add_block(pp.make_delay(delay_tr))

ok, errors = seq.check_timing()
print("check_timing:", "passed" if ok else "FAILED")
if not ok:
    print(errors)
seq.set_definition("FOV", [fov, fov, slice_thickness])
seq.set_definition("Name", "ir_se_2d")
if __name__ == "__main__":
    seq.write("ir_se_2d.seq")
