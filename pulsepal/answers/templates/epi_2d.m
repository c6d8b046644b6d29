% 2D single-shot gradient-echo EPI: sinc excitation, then one shot of alternating readout lobes with
% phase-encoding blips between them; the ADC samples the flat top of each lobe. Several slices per TR.

% --- parameters ---
fov = 220e-3;            % field of view (m)
Nx = 64;                 % readout samples
Ny = 64;                 % phase-encoding lines
sliceThickness = 3e-3;   % (m)
nSlices = 3;             % slices per TR
flipDeg = 90;            % flip angle (degrees)
TE = 0;                  % echo time (s): excitation to the centre line; 0 = the shortest
TR = 0;                  % repetition time (s) for all slices; 0 = the shortest
dwell = 4e-6;            % ADC dwell time (s)
maxGrad = 32;            % gradient limit (mT/m)
maxSlew = 130;           % slew-rate limit (T/m/s)
rfDeadTime = 100e-6;     % (s)
rfRingdownTime = 30e-6;  % (s)
adcDeadTime = 20e-6;     % (s)
% --- end of parameters ---

sys = mr.opts('MaxGrad', maxGrad, 'GradUnit', 'mT/m', 'MaxSlew', maxSlew, 'SlewUnit', 'T/m/s', ...
    'rfRingdownTime', rfRingdownTime, 'rfDeadTime', rfDeadTime, 'adcDeadTime', adcDeadTime);
seq = mr.Sequence(sys);
rt = sys.gradRasterTime;
deltak = 1/fov;
dwell = round(dwell/sys.adcRasterTime)*sys.adcRasterTime;   % on the ADC raster
readoutTime = Nx*dwell;
flatTime = ceil(readoutTime/rt)*rt;
minFlatTime = ceil(Nx*deltak/sys.maxGrad/rt)*rt;
if flatTime < minFlatTime
    error('dwell must be at least %.2f us for this FOV and matrix', minFlatTime/Nx*1e6);
end

[rf, gz, gzReph] = mr.makeSincPulse(flipDeg*pi/180, sys, 'Duration', 3e-3, 'SliceThickness', sliceThickness, ...
    'timeBwProduct', 4, 'apodization', 0.5, 'use', 'excitation');
gx = mr.makeTrapezoid('x', sys, 'FlatArea', Nx*deltak, 'FlatTime', flatTime);
adc = mr.makeAdc(Nx, sys, 'Dwell', dwell, 'Delay', gx.riseTime + round((flatTime - readoutTime)/2/sys.rfRasterTime)*sys.rfRasterTime);
% Each blip gets its own short block between readout lobes: simple and always legal, at the cost of a slightly
% longer echo spacing than blips overlapping the ramps.
% the shortest blip the toolbox makes for one line's area (a trapezoid where the gradient limit caps it)
blipDuration = ceil(mr.calcDuration(mr.makeTrapezoid('y', sys, 'Area', deltak))/rt - 1e-9)*rt;
gyBlip = mr.makeTrapezoid('y', sys, 'Area', -deltak, 'Duration', blipDuration);
gxPre = mr.makeTrapezoid('x', sys, 'Area', -gx.area/2);
gyPre = mr.makeTrapezoid('y', sys, 'Area', Ny/2*deltak);
[gxPre, gyPre, gzReph] = mr.align('right', gxPre, 'left', gyPre, gzReph);

excCenterToEnd = mr.calcDuration(rf, gz) - (rf.delay + mr.calcRfCenter(rf));
preBlock = mr.calcDuration(gxPre, gyPre, gzReph);
echoSpacing = mr.calcDuration(gx) + blipDuration;
minTE = excCenterToEnd + preBlock + floor(Ny/2)*echoSpacing + mr.calcDuration(gx)/2;
if TE == 0
    TE = ceil(minTE/rt)*rt;
end
if TE < minTE
    error('TE must be at least %.2f ms for this matrix and dwell time', minTE*1e3);
end
delayTE = round((TE - minTE)/rt)*rt;
sliceTime = mr.calcDuration(rf, gz) + preBlock + delayTE + Ny*mr.calcDuration(gx) + (Ny - 1)*blipDuration;
minTR = nSlices*sliceTime;
if TR == 0
    TR = ceil(minTR/rt)*rt;
end
if TR < minTR
    error('TR must be at least %.2f ms for %d slices', minTR*1e3, nSlices);
end
delayTR = round((TR - minTR)/nSlices/rt)*rt;

for s = 1:nSlices
    rf.freqOffset = gz.amplitude*sliceThickness*(s - 1 - (nSlices - 1)/2);
    seq.addBlock(rf, gz);
    seq.addBlock(gxPre, gyPre, gzReph);
    if delayTE > 0
        seq.addBlock(mr.makeDelay(delayTE));
    end
    for line = 1:Ny
        seq.addBlock(gx, adc);
        if line < Ny
            seq.addBlock(gyBlip);
        end
        gx.amplitude = -gx.amplitude;   % alternate the readout direction
    end
    gx.amplitude = abs(gx.amplitude);
    if delayTR > 0
        seq.addBlock(mr.makeDelay(delayTR));
    end
end

[ok, errorReport] = seq.checkTiming;
if ok
    fprintf('check_timing: passed\n');
else
    fprintf('check_timing: FAILED\n'); fprintf([errorReport{:}]);
end
seq.setDefinition('FOV', [fov fov sliceThickness]);
seq.setDefinition('Name', 'epi_2d');
seq.write('epi_2d.seq');
