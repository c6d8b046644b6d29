% 2D spin echo (SE): 90-degree sinc excitation, 180-degree refocusing pulse framed by crushers at TE/2,
% Cartesian readout, one k-space line per TR.

% --- parameters ---
fov = 220e-3;            % field of view (m)
Nx = 64;                 % readout samples
Ny = 64;                 % phase-encoding lines
sliceThickness = 5e-3;   % (m)
TE = 30e-3;              % echo time (s)
TR = 500e-3;             % repetition time (s)
readoutTime = 4e-3;      % ADC window (s)
maxGrad = 28;            % gradient limit (mT/m)
maxSlew = 120;           % slew-rate limit (T/m/s)
rfDeadTime = 100e-6;     % (s)
rfRingdownTime = 20e-6;  % (s)
adcDeadTime = 10e-6;     % (s)
% --- end of parameters ---

sys = mr.opts('MaxGrad', maxGrad, 'GradUnit', 'mT/m', 'MaxSlew', maxSlew, 'SlewUnit', 'T/m/s', ...
    'rfRingdownTime', rfRingdownTime, 'rfDeadTime', rfDeadTime, 'adcDeadTime', adcDeadTime);
seq = mr.Sequence(sys);
rt = sys.gradRasterTime;
deltak = 1/fov;
minReadoutTime = ceil(Nx*deltak/sys.maxGrad/rt)*rt;
if readoutTime < minReadoutTime
    error('readoutTime must be at least %.2f ms for this FOV and matrix', minReadoutTime*1e3);
end

[rf90, gz90, gz90Reph] = mr.makeSincPulse(pi/2, sys, 'Duration', 3e-3, 'SliceThickness', sliceThickness, ...
    'timeBwProduct', 4, 'apodization', 0.5, 'use', 'excitation');
[rf180, gz180] = mr.makeSincPulse(pi, sys, 'Duration', 3e-3, 'SliceThickness', sliceThickness, ...
    'timeBwProduct', 4, 'apodization', 0.5, 'PhaseOffset', pi/2, 'use', 'refocusing');
% Crushers either side of the refocusing pulse remove the FID of an imperfect 180.
crusher = mr.makeTrapezoid('z', sys, 'Area', 3/sliceThickness);
% The ADC dwell time lies on the ADC raster; the flat top covers the samples on the gradient raster.
dwell = round(readoutTime/Nx/sys.adcRasterTime)*sys.adcRasterTime;
flatTime = ceil(Nx*dwell/rt)*rt;
gx = mr.makeTrapezoid('x', sys, 'FlatArea', Nx*deltak*flatTime/(Nx*dwell), 'FlatTime', flatTime);
adc = mr.makeAdc(Nx, sys, 'Dwell', dwell, 'Delay', gx.riseTime + round((flatTime - Nx*dwell)/2/sys.rfRasterTime)*sys.rfRasterTime);
phaseAreas = ((0:Ny-1) - Ny/2)*deltak;
% The 180 inverts the prephaser's phase, so it has the same sign as the readout.
preTime = max([mr.calcDuration(mr.makeTrapezoid('x', sys, 'Area', gx.area/2)), ...
    mr.calcDuration(mr.makeTrapezoid('y', sys, 'Area', max(abs(phaseAreas)))), mr.calcDuration(gz90Reph)]) + 2*rt;
gxPre = mr.makeTrapezoid('x', sys, 'Area', gx.area/2, 'Duration', preTime);

excCenterToEnd = mr.calcDuration(rf90, gz90) - (rf90.delay + mr.calcRfCenter(rf90));
refCenter = rf180.delay + mr.calcRfCenter(rf180);
refBlock = mr.calcDuration(rf180, gz180);
firstHalf = excCenterToEnd + preTime + mr.calcDuration(crusher) + refCenter;
secondHalf = (refBlock - refCenter) + mr.calcDuration(crusher) + mr.calcDuration(gx)/2;
minTE = 2*ceil(max(firstHalf, secondHalf)/rt)*rt;
if TE < minTE
    error('TE must be at least %.2f ms with these pulses and gradients', minTE*1e3);
end
delay1 = round((TE/2 - firstHalf)/rt)*rt;
delay2 = round((TE/2 - secondHalf)/rt)*rt;
used = mr.calcDuration(rf90, gz90) + preTime + delay1 + 2*mr.calcDuration(crusher) + refBlock + delay2 ...
    + mr.calcDuration(gx);
if TR < used + rt
    error('TR must be at least %.2f ms with this TE', (used + rt)*1e3);
end
delayTR = round((TR - used)/rt)*rt;

for i = 1:Ny
    seq.addBlock(rf90, gz90);
    gyPre = mr.makeTrapezoid('y', sys, 'Area', phaseAreas(i), 'Duration', preTime);
    seq.addBlock(gxPre, gyPre, gz90Reph);
    if delay1 > 0
        seq.addBlock(mr.makeDelay(delay1));
    end
    seq.addBlock(crusher);
    seq.addBlock(rf180, gz180);
    seq.addBlock(crusher);
    if delay2 > 0
        seq.addBlock(mr.makeDelay(delay2));
    end
    seq.addBlock(gx, adc);
    seq.addBlock(mr.makeDelay(delayTR));
end

[ok, errorReport] = seq.checkTiming;
if ok
    fprintf('check_timing: passed\n');
else
    fprintf('check_timing: FAILED\n'); fprintf([errorReport{:}]);
end
seq.setDefinition('FOV', [fov fov sliceThickness]);
seq.setDefinition('Name', 'se_2d');
seq.write('se_2d.seq');
