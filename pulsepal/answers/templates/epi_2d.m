% title: 2D single-shot gradient-echo EPI
% sequence_type: epi
% Sinc excitation, alternating readout lobes with a phase blip block between them, several slices.

sys = mr.opts('MaxGrad', 32, 'GradUnit', 'mT/m', 'MaxSlew', 130, 'SlewUnit', 'T/m/s', ...
              'rfRingdownTime', 30e-6, 'rfDeadTime', 100e-6, 'adcDeadTime', 20e-6);
seq = mr.Sequence(sys);

fov = 220e-3; Nx = 64; Ny = 64;
sliceThickness = 3e-3; nSlices = 3;
dwell = 4e-6;

[rf, gz, gzReph] = mr.makeSincPulse(pi/2, sys, 'Duration', 3e-3, 'SliceThickness', sliceThickness, ...
    'timeBwProduct', 4, 'apodization', 0.5, 'use', 'excitation');
deltak = 1/fov;
readoutTime = Nx*dwell;
flatTime = ceil(readoutTime/sys.gradRasterTime)*sys.gradRasterTime;
gx = mr.makeTrapezoid('x', sys, 'FlatArea', Nx*deltak, 'FlatTime', flatTime);
adc = mr.makeAdc(Nx, sys, 'Dwell', dwell, 'Delay', gx.riseTime + (flatTime - readoutTime)/2);

blipDuration = ceil(2*sqrt(deltak/sys.maxSlew)/10e-6)*10e-6;
gyBlip = mr.makeTrapezoid('y', sys, 'Area', -deltak, 'Duration', blipDuration);

gxPre = mr.makeTrapezoid('x', sys, 'Area', -gx.area/2);
gyPre = mr.makeTrapezoid('y', sys, 'Area', Ny/2*deltak);
[gxPre, gyPre, gzReph] = mr.align('right', gxPre, 'left', gyPre, gzReph);

for s = 1:nSlices
    rf.freqOffset = gz.amplitude*sliceThickness*(s - 1 - (nSlices - 1)/2);
    seq.addBlock(rf, gz);
    seq.addBlock(gxPre, gyPre, gzReph);
    for line = 1:Ny
        seq.addBlock(gx, adc);
        if line < Ny
            seq.addBlock(gyBlip);
        end
        gx.amplitude = -gx.amplitude;   % alternate the readout direction
    end
    gx.amplitude = abs(gx.amplitude);
    seq.addBlock(mr.makeDelay(10e-3));
end

[ok, errorReport] = seq.checkTiming;
if ~ok, fprintf([errorReport{:}]); end
seq.setDefinition('FOV', [fov fov sliceThickness]);
seq.setDefinition('Name', 'epi_2d');
seq.write('epi_2d.seq');
