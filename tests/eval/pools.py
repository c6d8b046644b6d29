"""Where each evaluation round's questions were written from, and what each had to leave alone: one pattern per
pool (its repositories) and one per round for every earlier pool and the repositories its README section names.

Why a module of its own: every round's dataset test holds its file to these patterns and the later rounds build
theirs on the earlier ones (NOT_POOL12 is NOT_POOL11 and more), so they are defined once here, not in a test file.
"""

from __future__ import annotations

import re

# heldout4's pool (the brief's list): these repositories and their own issue threads, nothing else
POOL4 = re.compile(r"^(https://github\.com/)?(mzaiss/MRTwin_pulseq|kherz/pulseq-cest|kherz/pulseq-cest-library"
                   r"|KerstinKaspar/pypulseq-cest|ritagnunes/PulseqDiffusion|berkinbilgic/pulseq_qsm"
                   r"|XiaopingWu2020/pulseq-sequences|QiangLiu0310/Pulseq_TDM_acc_rdMRI"
                   r"|QiangLiu0310/Pulseq-diffusion_recon)[@/]")


# what heldout4 must not draw on: the earlier pools (every earlier set's) and the pool of dev6 written beside it
NOT_POOL4 = re.compile(r"^(https://github\.com/)?(pulseq/pulseq|imr-framework/pypulseq|pulseq/pypulseq"
                       r"|pulseq/ISMRM-Virtual-Meeting--November-15-17-2023|BennyZhang-Codes/tse-pulseq-matlab"
                       r"|usc-mrel/|velasqvides/Pulseq3DradialGREsequences"
                       r"|SkopeMagneticResonanceTechnologies/Pulseq-Sequences|gimesia/Pulseq-DiffusionMESE"
                       r"|mavel101/dsv2pulseq|mdbudde/bruker_pulseq|yeewantung/|imr-framework/pypulseq-star"
                       r"|m-a-x-i-m-z/|cristianmontalba/|rmoskwa/|sravan953/|mpetteno-polimi/|pulseq-frame/"
                       r"|mdtisdall/)", re.I)


# heldout5's pool (the brief's list): the pulseq organisation's teaching and challenge repositories, pypulseqpp,
# rextlfung's Pulseq repositories, nexus-console, and these repositories' own issue threads
POOL5 = re.compile(r"^(https://github\.com/)?(pulseq/tutorials|pulseq/Pulseq-Rocks-2023-24-ISMRM-Reproducibility-Challenge"
                   r"|pulseq/Ankara-UMRAM-Hands-on-Course--March-2024"
                   r"|pulseq/ISMRM-2025-Surfing-School-Hands-On-Open-Source-MR"
                   r"|pulseq/ISMRM-Virtual-Meeting--February-24-26-2026|pulseq/MR-Physics-with-Pulseq"
                   r"|pulseq/pulseqISMRM2021|pulseq/bruker_interpreter|pulserver/pypulseqpp|rextlfung/[\w.-]+"
                   r"|schote/nexus-console)[@/]")


# what heldout5 must not draw on: every earlier pool (heldout4's included) and the calibration pool written beside it
# (whole repository names end at "@" or "/": pulseq/pulseqISMRM2021 is in the pool, pulseq/pulseq is not)
NOT_POOL5 = re.compile(r"^(https://github\.com/)?(((pulseq/pulseq|imr-framework/pypulseq|pulseq/pypulseq"
                       r"|pulseq/ISMRM-Virtual-Meeting--November-15-17-2023|BennyZhang-Codes/tse-pulseq-matlab"
                       r"|velasqvides/Pulseq3DradialGREsequences|SkopeMagneticResonanceTechnologies/Pulseq-Sequences"
                       r"|gimesia/Pulseq-DiffusionMESE|imr-framework/pypulseq-star)[@/])"
                       r"|usc-mrel/|mavel101/|mdbudde/|yeewantung/|m-a-x-i-m-z/|cristianmontalba/|rmoskwa/|sravan953/"
                       r"|mpetteno-polimi/|pulseq-frame/|mdtisdall/|mzaiss/|kherz/|KerstinKaspar/|ritagnunes/"
                       r"|berkinbilgic/|XiaopingWu2020/|QiangLiu0310/|HarmonizedMRI/|toppeMRI/)", re.I)


# round 8's pool (the brief's list): MRzero-Core (its playground notebooks, docs and threads), the virtual scanner, and
# KomaMRI.jl's Pulseq-reading threads; nothing from any earlier pool
POOL8 = re.compile(r"^(https://github\.com/)?(MRsources/MRzero-Core|imr-framework/virtual-scanner"
                   r"|JuliaHealth/KomaMRI\.jl)[@/]")


NOT_POOL8 = re.compile(NOT_POOL5.pattern[:-1] + r"|rextlfung/|schote/|pulserver/|pulseq/|pulseq-frame/"
                       r"|usc-mrel/|mdtisdall/|rmoskwa/|sravan953/|yeewantung/)", re.I)


# heldout6's pool (the brief's list): open low-field consoles and their sequences (mri4all/console, josalggui/MaRGE, the
# flocra Pulseq interpreter), GrOpt sequence code (mloecher/gropt_pulseq, ahannum/gropt-diffusion-pypulseq), the Nim
# port of pypulseq, and these repositories' own threads; nothing any other set draws on
POOL6 = re.compile(r"^(https://github\.com/)?(mri4all/console|josalggui/MaRGE|LincolnCB/flocra-pulseq"
                   r"|mloecher/gropt_pulseq|ahannum/gropt-diffusion-pypulseq|fsantini/nimpulseq)[@/]")


NOT_POOL6 = re.compile(NOT_POOL8.pattern[:-1] + r"|MRsources/|imr-framework/|JuliaHealth/|pulseq-cest/"
                       r"|SkopeMagneticResonanceTechnologies/|BennyZhang-Codes/|velasqvides/|gimesia/|bids-standard/)",
                       re.I)


# round 11's pool (the brief: repositories that build on Pulseq or pypulseq and that no earlier set cites): the OpenMRF
# MATLAB toolbox (its own code, not the Pulseq copy it carries), PTB-MR's pypulseq sequences (mrseq), the CEST-MRF
# sequences of molecular-mrf, a double-half-pulse UTE in pypulseq, and Hennig's single-shot spiral TSE
POOL11 = re.compile(r"^(https://github\.com/)?(tomgriesler/openmrf-core-matlab|PTB-MR/mrseq"
                    r"|momentum-laboratory/molecular-mrf|EdnilH/pypulseq-double_half_pulses"
                    r"|HennigJue/single-shot-spiral-TSE)[@/]")


# every earlier pool (heldout6's included) and the repositories their README sections name as read and left out
NOT_POOL11 = re.compile(NOT_POOL6.pattern[:-1] + r"|mri4all/|josalggui/|LincolnCB/|mloecher/|ahannum/|fsantini/"
                        r"|vnegnev/)", re.I)


# round 12's pool (the brief: repositories that build on Pulseq or pypulseq and that no earlier file cites): QIS-MRI's
# phase-cycled bSSFP (MATLAB and pypulseq twins), UCSF's hyperpolarized 13C sequences, a multi-echo bSSFP, a benchtop
# NMR console's pypulseq sequences (MR-Core), and the GIRF measurement code of cmr-group/GIRFbench
POOL12 = re.compile(r"^(https://github\.com/)?(QIS-MRI/Pulseq|Xiaoxi-Liu/C13_sequences_Pulseq"
                    r"|ZirunWang666/Pulseq_me_bssfp|hansgaensbauer/MR-Core|cmr-group/GIRFbench)[@/]")


# every earlier pool (round 11's included) and the repositories the README names as read and left out
NOT_POOL12 = re.compile(NOT_POOL11.pattern[:-1] + r"|tomgriesler/|PTB-MR/|momentum-laboratory/|EdnilH/|HennigJue/"
                        r"|Ashgon/|jfnielsen/|MichielMoe/|mrphysics-bonn/|schmidt-jo/|YongliHe23/|ahsanjav/"
                        r"|linkaishengmri/)", re.I)


# heldout9's pool (the brief: owners N-Z, repositories no earlier pool or README list names): a rotary-excitation
# (REX) spin-lock/spiral MATLAB script (petraalbertova), a pypulseq gradient-audio add-on (ShanghaiTech-Hu-Lab) and an
# agent-tuned pypulseq TSE (zjgao-spin); each repository's own threads would count too
POOL9H = re.compile(r"^(https://github\.com/)?(petraalbertova/pulseq_rex_detection"
                    r"|ShanghaiTech-Hu-Lab/Listen-to-your-pulseq|zjgao-spin/Autoresearch_MRsequence)[@/]")


# every earlier pool (round 12's, round 13's, heldout7's, round 14's and heldout8's) and the repositories their README
# sections name as read and left out
NOT_POOL9H = re.compile(NOT_POOL12.pattern[:-1] + r"|QIS-MRI/|Xiaoxi-Liu/|ZirunWang666/|hansgaensbauer/|cmr-group/"
                        r"|catkira/|h3lg3/|alice-carre/|mcencini/|FrankZijlstra/|Happinessjump/|foroozandehgroup/"
                        r"|d1s-utils/|rfuentes89/|RikRolling/|ZhengguoTan/|TheMind9991/|wjgxw/|bughht/"
                        r"|Computer-Assisted-Clinical-Medicine/|cmsh96/|shoheifujitaSF/|Qievit/|Roosted7/|tonggehua/"
                        r"|Pierrickkk/|rkcatarina/|zhengliuer/|pvillacorta/|Snowwolf11/|5o1/|sh-mirzargar/"
                        r"|navneeth479/|mritogether/|JEMRIS/|cncastillo/|Hotchapu13/)", re.I)

# round 15's pool (the brief: owners A-M, repositories with Pulseq or pypulseq sequence material that no earlier pool
# or README list names): the ESMRMB 2024 "hardware to map" course's pypulseq notebooks for a portable low-field scanner
# (mritogether), the Pulseq files JEMRIS exports (its example .seq files and the writer that makes them), and the
# spiral .seq of a KomaMRI workshop repository (cncastillo's own repository, not JuliaHealth/KomaMRI.jl)
POOL15 = re.compile(r"^(https://github\.com/)?(mritogether/ESMRMB2024_Hardware_to_Map|JEMRIS/jemris"
                    r"|cncastillo/KomaMRI_MRITogether2025)[@/]")


# every earlier pool (NOT_POOL12's; round 13's, heldout7's, round 14's and heldout8's pools) and the repositories the
# README sections of rounds 13-14 and heldout7-8 name as read and left out
NOT_POOL15 = re.compile(NOT_POOL12.pattern[:-1] + r"|QIS-MRI/|Xiaoxi-Liu/|ZirunWang666/|hansgaensbauer/|cmr-group/"
                        r"|catkira/|h3lg3/|alice-carre/|mcencini/|FrankZijlstra/|Happinessjump/|foroozandehgroup/"
                        r"|d1s-utils/|rfuentes89/|RikRolling/|ZhengguoTan/|TheMind9991/|wjgxw/"
                        r"|bughht/|Computer-Assisted-Clinical-Medicine/|cmsh96/|fedibbm/|ingo4it/"
                        r"|shoheifujitaSF/|Qievit/|Roosted7/|tonggehua/|Pierrickkk/|Snowwolf11/|pvillacorta/"
                        r"|rkcatarina/|zhengliuer/|5o1/|sh-mirzargar/|navneeth479/|petraalbertova/"
                        r"|ShanghaiTech-Hu-Lab/|zjgao-spin/)", re.I)


# round 16's pool (the brief: any owner letter, repositories with Pulseq or pypulseq sequence code that no earlier pool
# or README list names): a cardiac-gated pypulseq 4D flow sequence (BAMMri), a MATLAB Pulseq MP2RAGE (agahkarakuzu) and,
# from the second writer, a MATLAB GUI's GE GRE and spiral writers (Alice-Ku)
POOL16 = re.compile(r"^(https://github\.com/)?(BAMMri/Pulseq-4DFlow|agahkarakuzu/pulseq-mp2rage"
                    r"|Alice-Ku/Pulseq-GE-GUI)[@/]")


# NOT_POOL15's list, round 15's pool, and the repositories round 16's README section names as read and left out
NOT_POOL16 = re.compile(NOT_POOL15.pattern[:-1] + r"|mritogether/|JEMRIS/|cncastillo/|Hotchapu13/|MartinGraves/"
                        r"|Jody-Todd/|brookebyrne/|shaverschuren/|filip-szczepankiewicz/|INFN-MRI/"
                        r"|bellarude/|schuenke/|danielabrahamgit/)", re.I)
