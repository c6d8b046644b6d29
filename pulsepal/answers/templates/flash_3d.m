% 3D FLASH (spoiled gradient echo): slab-selective excitation, phase encoding in y and partition encoding in z,
% RF spoiling, and rewinders on both encoding axes every TR.

% --- parameters ---
fov = 200e-3;            % in-plane field of view (m)
slabThickness = 160e-3;  % excited slab = FOV along z (m)
Nx = 48;                 % readout samples
Ny = 32;                 % phase-encoding lines
Nz = 16;                 % partitions
flipDeg = 8;             % flip angle (degrees)
pulseDuration = 1.5e-3;  % sinc slab excitation (s)
tbw = 4;                 % time-bandwidth product of the sinc
TE = 0;                  % echo time (s); 0 = the shortest
TR = 10e-3;              % repetition time (s)
readoutTime = 2.4e-3;    % ADC window (s)
maxGrad = 24;            % gradient limit (mT/m)
maxSlew = 120;           % slew-rate limit (T/m/s)
rfDeadTime = 100e-6;     % (s)
rfRingdownTime = 20e-6;  % (s)
adcDeadTime = 10e-6;     % (s)
% --- end of parameters ---

sys = mr.opts('MaxGrad', maxGrad, 'GradUnit', 'mT/m', 'MaxSlew', maxSlew, 'SlewUnit', 'T/m/s', ...
    'rfRingdownTime', rfRingdownTime, 'rfDeadTime', rfDeadTime, 'adcDeadTime', adcDeadTime);
seq = mr.Sequence(sys);
rt = sys.gradRasterTime;
dkx = 1/fov; dky = 1/fov; dkz = 1/slabThickness;
minReadoutTime = ceil(Nx*dkx/sys.maxGrad/rt)*rt;
if readoutTime < minReadoutTime
    error('readoutTime must be at least %.2f ms for this FOV and matrix', minReadoutTime*1e3);
end

% A sinc with a slice thickness selects the slab (a block pulse would excite everything).
[rf, gz, gzReph] = mr.makeSincPulse(flipDeg*pi/180, sys, 'Duration', pulseDuration, 'SliceThickness', slabThickness, ...
    'timeBwProduct', tbw, 'apodization', 0.5, 'use', 'excitation');
% The ADC dwell time lies on the ADC raster; the flat top covers the samples on the gradient raster.
dwell = round(readoutTime/Nx/sys.adcRasterTime)*sys.adcRasterTime;
flatTime = ceil(Nx*dwell/rt)*rt;
gx = mr.makeTrapezoid('x', sys, 'FlatArea', Nx*dkx*flatTime/(Nx*dwell), 'FlatTime', flatTime);
adc = mr.makeAdc(Nx, sys, 'Dwell', dwell, 'Delay', gx.riseTime + round((flatTime - Nx*dwell)/2/sys.rfRasterTime)*sys.rfRasterTime);
areasY = ((0:Ny-1) - Ny/2)*dky;
areasZ = ((0:Nz-1) - Nz/2)*dkz;
encTime = max([mr.calcDuration(mr.makeTrapezoid('x', sys, 'Area', gx.area/2)), ...
    mr.calcDuration(mr.makeTrapezoid('y', sys, 'Area', max(abs(areasY)))), ...
    mr.calcDuration(mr.makeTrapezoid('z', sys, 'Area', max(abs(areasZ)) + abs(gzReph.area)))]) + 2*rt;
gxPre = mr.makeTrapezoid('x', sys, 'Area', -gx.area/2, 'Duration', encTime);
gxSpoil = mr.makeTrapezoid('x', sys, 'Area', 2*Nx*dkx);

rfCenterToEnd = mr.calcDuration(rf, gz) - (rf.delay + mr.calcRfCenter(rf));
minTE = rfCenterToEnd + encTime + mr.calcDuration(gx)/2;
if TE == 0
    TE = ceil(minTE/rt)*rt;
end
if TE < minTE
    error('TE must be at least %.2f ms with these gradients', minTE*1e3);
end
delayTE = round((TE - minTE)/rt)*rt;
postTime = max(encTime, mr.calcDuration(gxSpoil));
minTR = mr.calcDuration(rf, gz) + encTime + delayTE + mr.calcDuration(gx) + postTime;
if TR < minTR
    error('TR must be at least %.2f ms with these gradients and this TE', minTR*1e3);
end
delayTR = round((TR - minTR)/rt)*rt;

rfPhase = 0; rfInc = 0;
for iz = 1:Nz
    for iy = 1:Ny
        rf.phaseOffset = rfPhase/180*pi;   % quadratic RF spoiling, 117 degree increment
        adc.phaseOffset = rfPhase/180*pi;
        rfInc = mod(rfInc + 117, 360);
        rfPhase = mod(rfPhase + rfInc, 360);
        gyPre = mr.makeTrapezoid('y', sys, 'Area', areasY(iy), 'Duration', encTime);
        gzPre = mr.makeTrapezoid('z', sys, 'Area', areasZ(iz) + gzReph.area, 'Duration', encTime);
        seq.addBlock(rf, gz);
        seq.addBlock(gxPre, gyPre, gzPre);
        if delayTE > 0
            seq.addBlock(mr.makeDelay(delayTE));
        end
        seq.addBlock(gx, adc);
        gyPost = mr.makeTrapezoid('y', sys, 'Area', -areasY(iy), 'Duration', encTime);
        gzPost = mr.makeTrapezoid('z', sys, 'Area', -areasZ(iz), 'Duration', encTime);
        seq.addBlock(gxSpoil, gyPost, gzPost, mr.makeDelay(postTime + delayTR));
    end
end

[ok, errorReport] = seq.checkTiming;
if ok
    fprintf('check_timing: passed\n');
else
    fprintf('check_timing: FAILED\n'); fprintf([errorReport{:}]);
end
seq.setDefinition('FOV', [fov fov slabThickness]);
seq.setDefinition('Name', 'flash_3d');
seq.write('flash_3d.seq');
