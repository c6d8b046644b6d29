import inspect

import pypulseq as pp

from pulsepal.answers.pulseq_api import matlab_name_for, matlab_option, parse_numpydoc, python_option, snake_to_camel


def test_every_top_level_function_and_class_is_known(api):
    real = {n for n in dir(pp)
            if not n.startswith("_") and (inspect.isfunction(getattr(pp, n)) or inspect.isclass(getattr(pp, n)))}
    assert real <= api.top_level
    assert {"Opts", "Sequence", "SigpyPulseOpts", "make_trapezoid", "calc_duration"} <= api.top_level


def test_submodule_only_functions_are_found_with_their_import(api):
    for name in ["add_ramps", "block_to_events", "check_timing", "compress_shape", "decompress_shape", "convert",
                 "get_supported_rf_uses"]:
        e = api.get(name)
        assert e is not None and e.kind == "submodule", name
        mod = __import__(e.module, fromlist=[name])
        assert callable(getattr(mod, name))
        assert e.python_import == f"from {e.module} import {name}"


def test_functions_of_unimportable_module_read_from_source(api):
    # make_sigpy_pulse needs SigPy, which is not installed: its functions must still be known, marked as needing it
    for name in ["sigpy_n_seq", "make_slr", "make_sms"]:
        e = api.get(name)
        assert e is not None and e.module == "pypulseq.make_sigpy_pulse" and e.needs == "sigpy"
    assert api.get("sigpy_n_seq").param("slice_thickness") is not None


def test_sequence_methods_match_the_class(api):
    real = {n for n, o in vars(pp.Sequence).items() if not n.startswith("_") and inspect.isfunction(o)}
    assert api.python_methods == real
    assert len(real) == 38


def test_signature_and_docs_are_parsed(api):
    e = api.get("make_trapezoid")
    assert e.param("channel").required
    assert e.param("flat_time").default == "None"
    assert "Flat duration" in e.param("flat_time").description
    assert e.returns and e.returns[0][0] == "grad"
    assert e.summary == "Create a trapezoidal gradient event."
    ck = api.get("seq.check_timing")
    assert [r[0] for r in ck.returns] == ["is_ok", "error_report"]


def test_matlab_names_rule_and_exceptions(api):
    assert api.get("make_trapezoid").matlab_name == "mr.makeTrapezoid"
    assert api.get("seq.add_block").matlab_name == "seq.addBlock"
    assert api.get("Opts").matlab_name == "mr.opts"
    assert api.get("calc_adc_segments").matlab_name == "mr.calcAdcSeg"
    assert api.get("points_to_waveform").matlab_name == "mr.pts2waveform"
    assert api.get("traj_to_grad").matlab_name == "mr.traj2grad"
    assert api.get("block_to_events").matlab_name == "mr.block2events"
    assert api.get("seq.calculate_kspace").matlab_name == "seq.calculateKspacePP"
    assert api.get("seq.calculate_pns").matlab_name == "seq.calcPNS"
    assert api.get("seq.evaluate_labels").matlab_name == "seq.evalLabels"
    assert api.get("seq.set_extension_string_ID").matlab_name == "seq.setExtensionStringAndID"
    assert api.get("seq.waveforms_and_times").matlab_name == "seq.waveforms_and_times"
    # Python-only and MATLAB-only names have no invented counterpart
    assert api.get("calc_SAR").matlab_name is None
    assert api.get("seq.remove_duplicates").matlab_name is None
    assert api.get("mr.calcRfPower").python_name is None
    assert api.by_matlab["seq.calculateKspacePP"].key == "seq.calculate_kspace"
    assert matlab_name_for("split_gradient_at", False) == "mr.splitGradientAt"
    assert snake_to_camel("get_raw_block_content_IDs") == "getRawBlockContentIDs"


def test_matlab_option_names(api):
    trap = api.get("make_trapezoid")
    assert matlab_option("flat_time") == "FlatTime"
    assert python_option("FlatTime", trap) == "flat_time"
    assert python_option("flattime", trap) == "flat_time"
    assert python_option("FLAT_TIME", trap) == "flat_time"
    assert python_option("Nonsense", trap) is None
    assert python_option("type", api.get("make_adiabatic_pulse")) == "pulse_type"
    assert python_option("convert2arbitrary", api.get("make_extended_trapezoid")) == "convert_to_arbitrary"
    assert python_option("gradOversampling", api.get("make_arbitrary_grad")) == "oversampling"


def test_numpydoc_parser_handles_sections():
    doc = """Do a thing.

    More text.

    Parameters
    ----------
    a : int
        First.
        Continues.
    b : str, default='x'
        Second.

    Returns
    -------
    out : float
        Result.
    """
    summary, params, returns, _ = parse_numpydoc(doc)
    assert summary == "Do a thing."
    assert params["a"] == ("int", "First. Continues.")
    assert params["b"][1] == "Second."
    assert returns == [("out", "float", "Result.")]
