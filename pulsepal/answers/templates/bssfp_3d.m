% 3D balanced SSFP (3D TrueFISP / FIESTA-C): a slab-selective excitation, phase encoding in y and partition
% encoding in z, every gradient rewound within the TR, the RF phase alternating by 180 degrees, TE = TR/2.

% --- parameters ---
fov = 256e-3;            % in-plane field of view (m)
slabThickness = 128e-3;  % excited slab = FOV along z (m)
Nx = 64;                 % readout samples
Ny = 32;                 % phase-encoding lines
Nz = 16;                 % partitions
flipDeg = 30;            % flip angle (degrees)
pulseDuration = 1e-3;    % sinc slab excitation (s)
tbw = 2;                 % time-bandwidth product of the sinc
TR = 0;                  % repetition time (s); 0 = the shortest these gradients allow (TE is always TR/2)
readoutTime = 0.64e-3;   % ADC window (s)
nDummies = 10;           % repetitions before data are acquired
maxGrad = 28;            % gradient limit (mT/m)
maxSlew = 150;           % slew-rate limit (T/m/s)
rfDeadTime = 100e-6;     % (s)
rfRingdownTime = 20e-6;  % (s)
adcDeadTime = 10e-6;     % (s)
% --- end of parameters ---

sys = mr.opts('MaxGrad', maxGrad, 'GradUnit', 'mT/m', 'MaxSlew', maxSlew, 'SlewUnit', 'T/m/s', ...
    'rfRingdownTime', rfRingdownTime, 'rfDeadTime', rfDeadTime, 'adcDeadTime', adcDeadTime);
seq = mr.Sequence(sys);
rt = sys.gradRasterTime;
deltakx = 1/fov; deltaky = 1/fov; deltakz = 1/slabThickness;
minReadoutTime = ceil(Nx*deltakx/sys.maxGrad/rt)*rt;
if readoutTime < minReadoutTime
    error('readoutTime must be at least %.2f ms for this FOV and matrix', minReadoutTime*1e3);
end

[rf, gz, gzReph] = mr.makeSincPulse(flipDeg*pi/180, sys, 'Duration', pulseDuration, 'SliceThickness', ...
    slabThickness, 'apodization', 0.5, 'timeBwProduct', tbw, 'use', 'excitation');
% The ADC dwell time lies on the ADC raster; the flat top covers the samples on the gradient raster.
dwell = round(readoutTime/Nx/sys.adcRasterTime)*sys.adcRasterTime;
flatTime = ceil(Nx*dwell/rt)*rt;
gx = mr.makeTrapezoid('x', sys, 'FlatArea', Nx*deltakx*flatTime/(Nx*dwell), 'FlatTime', flatTime);
adc = mr.makeAdc(Nx, sys, 'Dwell', dwell, 'Delay', gx.riseTime + round((flatTime - Nx*dwell)/2/sys.rfRasterTime)*sys.rfRasterTime);
areasY = ((0:Ny-1) - Ny/2)*deltaky;
areasZ = ((0:Nz-1) - Nz/2)*deltakz;
% One duration for the lobes before the readout and after it, on all three axes; on z the partition encoding rides
% on the slab rephaser (half before the readout, half after it, so the slab gradient is balanced too).
encTime = max([mr.calcDuration(mr.makeTrapezoid('x', sys, 'Area', gx.area/2)), ...
    mr.calcDuration(mr.makeTrapezoid('y', sys, 'Area', max(abs(areasY)))), ...
    mr.calcDuration(mr.makeTrapezoid('z', sys, 'Area', max(abs(areasZ)) + abs(gzReph.area)))]) + 2*rt;
gxPre = mr.makeTrapezoid('x', sys, 'Area', -gx.area/2, 'Duration', encTime);

rfBlock = mr.calcDuration(rf, gz);
minTR = ceil((rfBlock + 2*encTime + mr.calcDuration(gx))/rt)*rt;
if TR == 0
    TR = minTR;
end
if TR < minTR
    error('TR must be at least %.2f ms with these gradients', minTR*1e3);
end
pad = round((TR - minTR)/2/rt)*rt;   % split evenly so the echo stays at TR/2

nSteps = nDummies + Ny*Nz;
for i = 0:nSteps-1
    phase = pi*mod(i, 2);   % alternate the RF phase by 180 degrees
    rf.phaseOffset = phase;
    adc.phaseOffset = phase;
    k = i - nDummies;   % negative: a dummy repetition
    if k >= 0
        areaY = areasY(mod(k, Ny) + 1);
        areaZ = areasZ(floor(k/Ny) + 1);
    else
        areaY = 0; areaZ = 0;
    end
    seq.addBlock(rf, gz);
    gyPre = mr.makeTrapezoid('y', sys, 'Area', areaY, 'Duration', encTime);
    gzPre = mr.makeTrapezoid('z', sys, 'Area', gzReph.area + areaZ, 'Duration', encTime);
    seq.addBlock(gxPre, gyPre, gzPre, mr.makeDelay(encTime + pad));
    if k >= 0
        seq.addBlock(gx, adc);
    else
        seq.addBlock(gx);   % dummy repetitions: same gradients, no sampling
    end
    gyRew = mr.makeTrapezoid('y', sys, 'Area', -areaY, 'Duration', encTime);
    gzRew = mr.makeTrapezoid('z', sys, 'Area', gzReph.area - areaZ, 'Duration', encTime);
    seq.addBlock(gxPre, gyRew, gzRew, mr.makeDelay(encTime + pad));
end

[ok, errorReport] = seq.checkTiming;
if ok
    fprintf('check_timing: passed\n');
else
    fprintf('check_timing: FAILED\n'); fprintf([errorReport{:}]);
end
seq.setDefinition('FOV', [fov fov slabThickness]);
seq.setDefinition('Name', 'bssfp_3d');
seq.write('bssfp_3d.seq');
