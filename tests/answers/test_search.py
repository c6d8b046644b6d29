import pytest

from pulsepal.answers.search import BM25, name_key, tokenize


@pytest.mark.parametrize("written,key", [
    ("make_trapezoid", "make_trapezoid"), ("mr.makeTrapezoid", "make_trapezoid"), ("maketrapezoid", "make_trapezoid"),
    ("pp.make_trapezoid", "make_trapezoid"), ("seq.addBlock", "seq.add_block"), ("seq.add_block", "seq.add_block"),
    ("mr.calcAdcSeg", "calc_adc_segments"), ("seq.calculateKspacePP", "seq.calculate_kspace"),
    ("seq.checkTiming", "seq.check_timing"), ("mr.opts", "Opts"), ("calcPNS", "seq.calculate_pns"),
    ("pypulseq.make_adc", "make_adc"), ("mr.calcRfPower", "mr.calcRfPower"), ("add_ramps", "add_ramps"),
])
def test_alias_table_resolves_any_spelling(index, written, key):
    hit = index.lookup(written)
    assert hit is not None and hit.entry.key == key and not hit.invented


def test_invented_names_point_to_the_real_one(index):
    hit = index.lookup("mr.createTrap")
    assert hit.invented and hit.entry.key == "make_trapezoid"
    assert index.lookup("totallyMadeUp") is None


def test_names_in_prose_ignore_plain_words(index):
    keys = [h.entry.key for h in index.names_in("How do I write and plot the sequence with makeSincPulse?")]
    assert keys == ["make_sinc_pulse"]
    keys = [h.entry.key for h in index.names_in("then call `seq.write` and seq.plot()")]
    assert keys == ["seq.write", "seq.plot"]


def test_bm25_ranks_the_relevant_document_first():
    bm = BM25(["slice selective sinc pulse", "spoiler gradient after readout", "adc readout samples"])
    assert bm.top("spoiler gradient", 1)[0][0] == 1
    assert bm.top("nothing matches here", 3) == []


def test_tokenize_splits_code_names():
    toks = tokenize("FlatTime flat_time")
    assert "flat" in toks and "time" in toks and "flattime" in toks


def test_howto_index_finds_topics(index):
    assert index.search_howto("how do I spoil the transverse magnetisation", 1)[0][0].id == "howto:spoiler"
    assert index.search_howto("set the echo time TE", 1)[0][0].id == "howto:te_tr_timing"
    assert index.search_howto("echo planar imaging template", 1)[0][0].id == "template:epi_2d"


def test_name_key():
    assert name_key("`mr.makeTrapezoid`") == "maketrapezoid"


def test_plural_and_singular_are_one_term():
    from pulsepal.answers.search import BM25

    bm = BM25(["returns the waveform of a gradient", "makes a delay event"])
    assert bm.scores("gradient waveforms").get(0, 0) > bm.scores("gradient").get(0, 0)
