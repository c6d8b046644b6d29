% title: 2D spoiled gradient echo (GRE)
% sequence_type: gradient echo
% Slice-selective sinc excitation, Cartesian phase encoding, spoilers and RF spoiling; fixed TE and TR.

sys = mr.opts('MaxGrad', 28, 'GradUnit', 'mT/m', 'MaxSlew', 150, 'SlewUnit', 'T/m/s', ...
              'rfRingdownTime', 20e-6, 'rfDeadTime', 100e-6, 'adcDeadTime', 10e-6);
seq = mr.Sequence(sys);

fov = 256e-3; Nx = 64; Ny = 64;
sliceThickness = 5e-3;
flipDeg = 15;
TE = 5e-3; TR = 12e-3;
rfSpoilInc = 117;      % degrees

[rf, gz, gzReph] = mr.makeSincPulse(flipDeg*pi/180, sys, 'Duration', 2e-3, ...
    'SliceThickness', sliceThickness, 'apodization', 0.5, 'timeBwProduct', 4, 'use', 'excitation');
deltak = 1/fov;
gx = mr.makeTrapezoid('x', sys, 'FlatArea', Nx*deltak, 'FlatTime', 3.2e-3);
adc = mr.makeAdc(Nx, sys, 'Duration', gx.flatTime, 'Delay', gx.riseTime);
gxPre = mr.makeTrapezoid('x', sys, 'Area', -gx.area/2, 'Duration', 1e-3);
phaseAreas = ((0:Ny-1) - Ny/2) * deltak;

gxSpoil = mr.makeTrapezoid('x', sys, 'Area', 2*Nx*deltak);
gzSpoil = mr.makeTrapezoid('z', sys, 'Area', 4/sliceThickness);

rfCenterToEnd = mr.calcDuration(rf, gz) - (rf.delay + mr.calcRfCenter(rf));
delayTE = ceil((TE - rfCenterToEnd - mr.calcDuration(gxPre) - mr.calcDuration(gx)/2) ...
               / sys.gradRasterTime) * sys.gradRasterTime;
delayTR = ceil((TR - mr.calcDuration(gz) - mr.calcDuration(gxPre) - mr.calcDuration(gx) - delayTE) ...
               / sys.gradRasterTime) * sys.gradRasterTime;
assert(delayTE >= 0, 'TE too short');
assert(delayTR >= mr.calcDuration(gxSpoil, gzSpoil), 'TR too short');

rfPhase = 0; rfInc = 0;
for i = 1:Ny
    rf.phaseOffset = rfPhase*pi/180;
    adc.phaseOffset = rfPhase*pi/180;
    rfInc = mod(rfInc + rfSpoilInc, 360);
    rfPhase = mod(rfPhase + rfInc, 360);

    seq.addBlock(rf, gz);
    gyPre = mr.makeTrapezoid('y', sys, 'Area', phaseAreas(i), 'Duration', mr.calcDuration(gxPre));
    seq.addBlock(gxPre, gyPre, gzReph);
    seq.addBlock(mr.makeDelay(delayTE));
    seq.addBlock(gx, adc);
    gyRewind = mr.makeTrapezoid('y', sys, 'Area', -phaseAreas(i), 'Duration', mr.calcDuration(gxPre));
    seq.addBlock(mr.makeDelay(delayTR), gxSpoil, gyRewind, gzSpoil);
end

[ok, errorReport] = seq.checkTiming;
if ok
    fprintf('Timing check passed\n');
else
    fprintf('Timing check failed:\n'); fprintf([errorReport{:}]);
end
seq.setDefinition('FOV', [fov fov sliceThickness]);
seq.setDefinition('Name', 'gre_2d');
seq.write('gre_2d.seq');
