"""
title: 3D FLASH (spoiled gradient echo, two phase-encoding directions)
sequence_type: flash 3d
keywords: flash 3d three dimensional volume slab selective spoiled gradient echo partition encoding kz rf spoiling t1 weighted mprage-like
description: Slab-selective excitation, phase encoding in y and partition encoding in z, RF spoiling and a rewinder on both encoding axes each TR.
"""

import numpy as np
import pypulseq as pp

system = pp.Opts(
    max_grad=24, grad_unit="mT/m", max_slew=120, slew_unit="T/m/s",
    rf_ringdown_time=20e-6, rf_dead_time=100e-6, adc_dead_time=10e-6,
)
seq = pp.Sequence(system=system)

fov = (200e-3, 200e-3, 160e-3)
n_x, n_y, n_z = 48, 32, 16
flip_deg = 8
tr = 10e-3

# A short block pulse would excite everything; a sinc with return_gz selects a slab.
rf, gz, gz_reph = pp.make_sinc_pulse(
    flip_angle=np.deg2rad(flip_deg), duration=1.5e-3, slice_thickness=fov[2], time_bw_product=4,
    apodization=0.5, system=system, return_gz=True, use="excitation",
)
dk = [1 / f for f in fov]
gx = pp.make_trapezoid(channel="x", flat_area=n_x * dk[0], flat_time=2.4e-3, system=system)
adc = pp.make_adc(num_samples=n_x, duration=gx.flat_time, delay=gx.rise_time, system=system)
gx_pre = pp.make_trapezoid(channel="x", area=-gx.area / 2, duration=1.2e-3, system=system)
gx_spoil = pp.make_trapezoid(channel="x", area=2 * n_x * dk[0], system=system)
areas_y = (np.arange(n_y) - n_y / 2) * dk[1]
areas_z = (np.arange(n_z) - n_z / 2) * dk[2]
enc_time = pp.calc_duration(gx_pre)

raster = system.grad_raster_time
fixed = pp.calc_duration(rf, gz) + enc_time + pp.calc_duration(gx) + max(enc_time, pp.calc_duration(gx_spoil))
delay_tr = np.ceil((tr - fixed) / raster) * raster
assert delay_tr >= 0, "TR too short"

rf_phase, rf_inc = 0.0, 0.0
for iz in range(n_z):
    for iy in range(n_y):
        rf.phase_offset = np.deg2rad(rf_phase)
        adc.phase_offset = np.deg2rad(rf_phase)
        rf_inc = (rf_inc + 117) % 360
        rf_phase = (rf_phase + rf_inc) % 360

        gy_pre = pp.make_trapezoid(channel="y", area=areas_y[iy], duration=enc_time, system=system)
        gz_pre = pp.make_trapezoid(channel="z", area=areas_z[iz] + gz_reph.area, duration=enc_time, system=system)
        seq.add_block(rf, gz)
        seq.add_block(gx_pre, gy_pre, gz_pre)
        seq.add_block(gx, adc)
        gy_post = pp.make_trapezoid(channel="y", area=-areas_y[iy], duration=enc_time, system=system)
        gz_post = pp.make_trapezoid(channel="z", area=-areas_z[iz], duration=enc_time, system=system)
        seq.add_block(gx_spoil, gy_post, gz_post)
        if delay_tr > 0:
            seq.add_block(pp.make_delay(delay_tr))

ok, errors = seq.check_timing()
print("check_timing:", "passed" if ok else "FAILED")
if not ok:
    print(errors)
seq.set_definition("FOV", list(fov))
seq.set_definition("Name", "flash_3d")
if __name__ == "__main__":
    seq.write("flash_3d.seq")
