% title: 2D spin echo (SE)
% sequence_type: spin echo
% 90-degree excitation, crushed 180-degree refocusing pulse at TE/2, Cartesian readout.

sys = mr.opts('MaxGrad', 28, 'GradUnit', 'mT/m', 'MaxSlew', 120, 'SlewUnit', 'T/m/s', ...
              'rfRingdownTime', 20e-6, 'rfDeadTime', 100e-6, 'adcDeadTime', 10e-6);
seq = mr.Sequence(sys);

fov = 220e-3; Nx = 64; Ny = 64;
sliceThickness = 5e-3;
TE = 30e-3; TR = 500e-3;

[rf90, gz90, gz90Reph] = mr.makeSincPulse(pi/2, sys, 'Duration', 3e-3, 'SliceThickness', sliceThickness, ...
    'timeBwProduct', 4, 'apodization', 0.5, 'use', 'excitation');
[rf180, gz180] = mr.makeSincPulse(pi, sys, 'Duration', 3e-3, 'SliceThickness', sliceThickness, ...
    'timeBwProduct', 4, 'apodization', 0.5, 'PhaseOffset', pi/2, 'use', 'refocusing');
crusher = mr.makeTrapezoid('z', sys, 'Area', 3/sliceThickness, 'Duration', 1.6e-3);

deltak = 1/fov;
gx = mr.makeTrapezoid('x', sys, 'FlatArea', Nx*deltak, 'FlatTime', 4e-3);
adc = mr.makeAdc(Nx, sys, 'Duration', gx.flatTime, 'Delay', gx.riseTime);
gxPre = mr.makeTrapezoid('x', sys, 'Area', gx.area/2, 'Duration', 2e-3);   % same sign: the 180 flips it
phaseAreas = ((0:Ny-1) - Ny/2) * deltak;

rt = sys.gradRasterTime;
c90ToEnd = mr.calcDuration(rf90, gz90) - (rf90.delay + mr.calcRfCenter(rf90));
c180 = rf180.delay + mr.calcRfCenter(rf180);
block180 = mr.calcDuration(rf180, gz180);
delay1 = ceil((TE/2 - c90ToEnd - mr.calcDuration(gxPre) - mr.calcDuration(crusher) - c180)/rt)*rt;
delay2 = ceil((TE/2 - (block180 - c180) - mr.calcDuration(crusher) - mr.calcDuration(gx)/2)/rt)*rt;
assert(delay1 >= 0 && delay2 >= 0, 'TE too short');
used = mr.calcDuration(rf90, gz90) + mr.calcDuration(gxPre) + delay1 + 2*mr.calcDuration(crusher) ...
       + block180 + delay2 + mr.calcDuration(gx);
delayTR = ceil((TR - used)/rt)*rt;

for i = 1:Ny
    seq.addBlock(rf90, gz90);
    gyPre = mr.makeTrapezoid('y', sys, 'Area', phaseAreas(i), 'Duration', 2e-3);
    seq.addBlock(gxPre, gyPre, gz90Reph);
    seq.addBlock(mr.makeDelay(delay1));
    seq.addBlock(crusher);
    seq.addBlock(rf180, gz180);
    seq.addBlock(crusher);
    seq.addBlock(mr.makeDelay(delay2));
    seq.addBlock(gx, adc);
    seq.addBlock(mr.makeDelay(delayTR));
end

[ok, errorReport] = seq.checkTiming;
if ~ok, fprintf([errorReport{:}]); end
seq.setDefinition('FOV', [fov fov sliceThickness]);
seq.setDefinition('Name', 'se_2d');
seq.write('se_2d.seq');
