"""Duplicate detection for incoming requests against the open cases (no Django imports).

:class:`DuplicateIndex` keeps the open cases in memory and, for a new request, proposes the open
cases of the last ``window_days`` days most likely to be the same case, each with a score in [0, 1]:

* **Text.** :func:`triage.normalize.normalize` (personal data masked), the mask tokens, punctuation
  and white space removed; character 2–3-grams hashed into a fixed space of ``2**n_bits`` features
  (no vocabulary, so adding a case never refits anything); weight ``(1 + log tf) · idf`` with the
  idf of the index at the time the case is added; each case keeps only its ``max_features`` heaviest
  features (the common n-grams carry almost no weight and would make the postings long); rows are
  L2-normalised, so a product is a cosine.
* **Two fields.** The whole text and the title are indexed apart (two inverted indexes sharing
  one document-frequency table). On the real labelled pairs the title's cosine separates "same
  problem, same place" from look-alikes much better than the whole text alone (the bodies of
  real messages share long stretches of boilerplate and place description). Without a title
  (a phone transcript) the first clause of the text stands in for it.
* **Score.** ``sigmoid(B0 + B_TEXT · cos(text) + B_TITLE · cos(title))``: a logistic regression
  fitted on the *dev* half of the real hand-labelled pairs (``triage/duplicates_eval.py`` refits
  it and prints whether these constants are still its result), so the score reads as the chance
  that a dispatcher would merge the two.
* **Search.** Each inverted index is a CSR matrix feature × case (float32) plus a small buffer of
  recent additions; a query is one sparse product per field over the postings of its own
  features, then the live cases inside the time window are kept and the best ``k`` re-ranked.
  The buffer is merged when it exceeds ``max(4096, n/8)`` cases; removed cases are tombstones,
  dropped when a quarter of the index is dead.
* **Place.** When both places are given they are cut into administrative units (…区/县/镇/街道/
  小区/村/路…): sharing a specific unit adds ``place_bonus · overlap``; sharing none multiplies the
  score by ``place_mismatch``. An unknown place changes nothing. (Not measured on real pairs: the
  real messages have no separate place field; see docs/duplicates.md.)
* **Same phone.** A candidate from the same phone number with a score ≥ ``flag_threshold`` is
  flagged at once (``same_phone=True``, reason ``同一号码的近似诉求``) and listed first.

Proposals are the candidates with a score ≥ ``threshold`` (:data:`PROPOSAL_THRESHOLD`, chosen on
the dev half of the real pairs by ``python -m triage.duplicates_eval``; see ``docs/duplicates.md``).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import sys
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse

from triage.charhash import char_ngram_counts
from triage.normalize import EMAIL_TOKEN, IDCARD_TOKEN, LANDLINE_TOKEN, MOBILE_TOKEN, normalize

# Fitted / chosen on the dev half of triage/data/real-duplicate-pairs.csv by triage.duplicates_eval
# (it prints the values it finds; docs/duplicates.md). Never chosen on the test half.
B0, B_TEXT, B_TITLE = -2.141, 3.488, 4.55
PROPOSAL_THRESHOLD = 0.55
SAME_PHONE_THRESHOLD = 0.55
SAME_PHONE_REASON = "同一号码的近似诉求"

_MASKS = re.compile("|".join(t.strip() for t in (EMAIL_TOKEN, IDCARD_TOKEN, MOBILE_TOKEN, LANDLINE_TOKEN)))
_NON_WORD = re.compile(r"[\W_]+")
_FIRST_CLAUSE = re.compile(r"[^。！？!?\n]{1,40}")
_PLACE_UNIT = re.compile(
    r".+?(?:自治区|省|市|区|县|镇|乡|街道|办事处|社区|村|组|小区|花园|新城|山庄|家园|新村|大道|路|街|巷|号|栋|幢|单元|室)"
)
_TOP_LEVEL = re.compile(r".*(?:省|自治区|市)$")
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)

# (case_id, text, place, phone, created_at) or the same with the title last.
Row = (
    tuple[Hashable, str, str | None, str | None, dt.datetime]
    | tuple[Hashable, str, str | None, str | None, dt.datetime, str | None]
)


@dataclass(frozen=True)
class Candidate:
    """An open case proposed for merging with the incoming request."""

    case_id: Hashable
    score: float
    same_phone: bool
    reason: str

    @property
    def flagged(self) -> bool:
        return self.reason == SAME_PHONE_REASON


def text_for_ngrams(text: str | None) -> str:
    """Normalised text with the personal-data tokens, punctuation and spaces removed."""
    return _NON_WORD.sub("", _MASKS.sub("", normalize(text)))


def title_of(text: str | None, title: str | None) -> str:
    """The title, or for a text without one its first clause (≤ 40 characters)."""
    if title and title.strip():
        return title
    return _first_clause(normalize(text))


def _first_clause(normalised: str) -> str:
    m = _FIRST_CLAUSE.search(normalised)
    return m.group(0) if m else ""


def place_units(place: str | None) -> frozenset[str]:
    """Specific administrative units of a place (province/city level dropped when more is given)."""
    p = _NON_WORD.sub("", normalize(place))
    if not p:
        return frozenset()
    units = _PLACE_UNIT.findall(p)
    tail = p[sum(len(u) for u in units) :]
    if tail:
        units.append(tail)
    specific = [u for u in units if not _TOP_LEVEL.match(u)]
    return frozenset(specific or units)


def phone_key(phone: str | None) -> str:
    digits = re.sub(r"\D", "", phone or "")
    for prefix in ("0086", "86"):
        if len(digits) > 11 and digits.startswith(prefix):
            digits = digits[len(prefix) :]
    return digits


def merge_probability(text_cosine: float, title_cosine: float) -> float:
    """The score of a pair from its two cosines (the fitted logistic regression)."""
    return 1.0 / (1.0 + math.exp(-(B0 + B_TEXT * text_cosine + B_TITLE * title_cosine)))


def _ts(value: dt.datetime) -> float:
    if value.tzinfo is None:
        raise ValueError("created_at/now must be timezone-aware")
    return (value - _EPOCH).total_seconds()


class _Postings:
    """One field's inverted index: merged rows (CSR feature × row) plus a buffer of new rows."""

    def __init__(self, n_features: int) -> None:
        self.n_features = n_features
        self.main = sparse.csr_matrix((n_features, 0), dtype=np.float32)
        self.n_main = 0
        self.buf_indices: list[np.ndarray] = []
        self.buf_data: list[np.ndarray] = []
        self._buf: sparse.csr_matrix | None = None

    def append(self, cols: np.ndarray, w: np.ndarray) -> None:
        self.buf_indices.append(cols)
        self.buf_data.append(w)
        self._buf = None

    def buffer(self) -> sparse.csr_matrix:
        if self._buf is None:
            n = len(self.buf_indices)
            indptr = np.zeros(n + 1, dtype=np.int64)
            if n:
                np.cumsum([len(c) for c in self.buf_indices], out=indptr[1:])
            self._buf = sparse.csr_matrix(
                (
                    np.concatenate(self.buf_data) if n else np.zeros(0, np.float32),
                    np.concatenate(self.buf_indices) if n else np.zeros(0, np.int32),
                    indptr,
                ),
                shape=(n, self.n_features),
            )
        return self._buf

    def merge(self) -> None:
        """Append the buffer's rows to the inverted index (O(nnz), no sorting)."""
        n_rows = self.n_main + len(self.buf_indices)
        buf_t = self.buffer().T.tocsr()  # feature × new rows
        main = self.main
        len_main = np.diff(main.indptr)
        len_buf = np.diff(buf_t.indptr)
        indptr = np.zeros(self.n_features + 1, dtype=np.int64)
        np.cumsum(len_main + len_buf, out=indptr[1:])
        nnz = int(indptr[-1])
        indices = np.empty(nnz, dtype=np.int32)
        data = np.empty(nnz, dtype=np.float32)
        # Main entries keep their order at the start of each feature's postings …
        feat_main = np.repeat(np.arange(self.n_features), len_main)
        pos_main = indptr[feat_main] + (np.arange(main.nnz) - main.indptr[feat_main])
        indices[pos_main] = main.indices
        data[pos_main] = main.data
        # … and the buffer's follow them.
        feat_buf = np.repeat(np.arange(self.n_features), len_buf)
        pos_buf = indptr[feat_buf] + len_main[feat_buf] + (np.arange(buf_t.nnz) - buf_t.indptr[feat_buf])
        indices[pos_buf] = buf_t.indices + self.n_main
        data[pos_buf] = buf_t.data
        self.main = sparse.csr_matrix((data, indices, indptr), shape=(self.n_features, n_rows))
        self.n_main = n_rows
        self.buf_indices, self.buf_data, self._buf = [], [], None

    def compact(self, alive: np.ndarray) -> None:
        """Keep only the rows where ``alive`` (after a merge), renumbered in order."""
        self.merge()
        new_row = np.cumsum(alive) - 1
        main = self.main
        keep = alive[main.indices]
        feat = np.repeat(np.arange(self.n_features), np.diff(main.indptr))[keep]
        indptr = np.zeros(self.n_features + 1, dtype=np.int64)
        np.cumsum(np.bincount(feat, minlength=self.n_features), out=indptr[1:])
        n_alive = int(alive.sum())
        self.main = sparse.csr_matrix(
            (main.data[keep], new_row[main.indices[keep]].astype(np.int32), indptr),
            shape=(self.n_features, n_alive),
        )
        self.n_main = n_alive

    def scores_into(self, q: sparse.csr_matrix, out: np.ndarray) -> None:
        """Write the cosine of ``q`` with every row sharing a feature into ``out`` (dense by row)."""
        if self.n_main:
            # The postings of the query's features gathered by hand and summed with bincount:
            # the same product as q @ main, without scipy's per-call overhead (≈ half the time).
            cols, w = q.indices, q.data
            starts = self.main.indptr[cols]
            lengths = (self.main.indptr[cols + 1] - starts).astype(np.int64)
            total = int(lengths.sum())
            if total:
                first = np.cumsum(lengths) - lengths  # where each feature's run starts in the gather
                at = np.repeat(starts - first, lengths) + np.arange(total)
                out[: self.n_main] = np.bincount(
                    self.main.indices[at],
                    weights=self.main.data[at] * np.repeat(w, lengths),
                    minlength=self.n_main,
                )
        if self.buf_indices:
            res = (self.buffer() @ q.T).tocsc()
            out[res.indices + self.n_main] = res.data

    def memory_bytes(self) -> int:
        m = self.main
        total: int = m.data.nbytes + m.indices.nbytes + m.indptr.nbytes
        return total + sum(a.nbytes for a in self.buf_indices) + sum(a.nbytes for a in self.buf_data)

    @property
    def nnz(self) -> int:
        return int(self.main.nnz) + sum(len(c) for c in self.buf_indices)


class DuplicateIndex:
    """In-memory index of open cases; see the module docstring."""

    def __init__(
        self,
        *,
        n_bits: int = 20,
        max_features: int = 160,
        max_title_features: int = 48,
        threshold: float = PROPOSAL_THRESHOLD,
        flag_threshold: float = SAME_PHONE_THRESHOLD,
        place_bonus: float = 0.1,
        place_mismatch: float = 0.85,
        rerank: int = 50,
        coefficients: tuple[float, float, float] | None = None,
    ) -> None:
        self.n_features = 1 << n_bits
        self.max_features = max_features
        self.max_title_features = max_title_features
        self.threshold = threshold
        self.flag_threshold = flag_threshold
        self.place_bonus = place_bonus
        self.place_mismatch = place_mismatch
        self.rerank = rerank
        # (B0, B_TEXT, B_TITLE) of the score; None = the fitted module constants. The evaluator
        # passes others to refit them or to score with the text cosine alone (the old method).
        self.coefficients = coefficients
        self._df = np.zeros(self.n_features, dtype=np.int32)
        self._n_docs = 0  # documents counted in _df
        # Per-row data (row = position of a case in the index).
        self._ids: list[Hashable] = []
        self._row_of: dict[Hashable, int] = {}
        self._created = np.zeros(0, dtype=np.float64)
        self._alive = np.zeros(0, dtype=bool)
        self._phones: list[str] = []
        self._places: list[frozenset[str]] = []
        self._n_rows = 0
        self._text = _Postings(self.n_features)
        self._title = _Postings(self.n_features)
        self._n_dead = 0
        self._place_units: dict[str, frozenset[str]] = {}

    def _place_cache(self, place: str | None) -> frozenset[str]:
        key = place or ""
        units = self._place_units.get(key)
        if units is None:
            units = self._place_units[key] = place_units(place)
        return units

    # ------------------------------------------------------------------ vectors
    def _counts(self, texts: Sequence[str]) -> sparse.csr_matrix:
        return char_ngram_counts([text_for_ngrams(t) for t in texts], self.n_features)

    def _idf(self, cols: np.ndarray) -> np.ndarray:
        idf: np.ndarray = (np.log((1.0 + self._n_docs) / (1.0 + self._df[cols])) + 1.0).astype(np.float32)
        return idf

    def _weigh(self, cols: np.ndarray, counts: np.ndarray, top: int | None) -> tuple[np.ndarray, np.ndarray]:
        w = (1.0 + np.log(counts, dtype=np.float32)) * self._idf(cols)
        if top is not None and len(w) > top:
            keep = np.argpartition(-w, top - 1)[:top]
            cols, w = cols[keep], w[keep]
        norm = float(np.sqrt(np.dot(w, w)))
        if norm > 0:
            w = w / norm
        order = np.argsort(cols)
        return cols[order].astype(np.int32), w[order].astype(np.float32)

    # ------------------------------------------------------------------ updates
    def __len__(self) -> int:
        return len(self._row_of)

    def __contains__(self, case_id: Hashable) -> bool:
        return case_id in self._row_of

    def add(
        self,
        case_id: Hashable,
        text: str,
        place: str | None,
        phone: str | None,
        created_at: dt.datetime,
        *,
        title: str | None = None,
    ) -> None:
        """Index an open case (replacing the case of the same id, if any). ``text`` is the whole
        text (title included); ``title`` the title alone, if the case has one."""
        self.add_many([(case_id, text, place, phone, created_at, title)])

    def add_many(self, rows: Iterable[Row]) -> None:
        """Index many cases at once; the document frequencies are counted before weighing."""
        rows = list(rows)
        if not rows:
            return
        for r in rows:
            if r[0] in self._row_of:
                self.remove(r[0])
        # Each text is normalised once (normalize is the costly step of a build); a missing title
        # is the first clause of that normalised text.
        normed = [normalize(r[1]) for r in rows]
        given = [r[5] if len(r) > 5 else None for r in rows]
        titles = [t if t and t.strip() else _first_clause(n) for t, n in zip(given, normed, strict=True)]
        counts = char_ngram_counts([_NON_WORD.sub("", _MASKS.sub("", n)) for n in normed], self.n_features)
        t_counts = self._counts(titles)
        # Document frequencies count every case ever added (removals do not decrement them): a
        # slowly moving background statistic, so the stored weights of older cases stay consistent.
        np.add.at(self._df, counts.indices, 1)
        self._n_docs += len(rows)
        created = np.array([_ts(r[4]) for r in rows])
        for i, r in enumerate(rows):
            lo, hi = counts.indptr[i], counts.indptr[i + 1]
            self._text.append(*self._weigh(counts.indices[lo:hi], counts.data[lo:hi], self.max_features))
            lo, hi = t_counts.indptr[i], t_counts.indptr[i + 1]
            self._title.append(
                *self._weigh(t_counts.indices[lo:hi], t_counts.data[lo:hi], self.max_title_features)
            )
            self._row_of[r[0]] = self._n_rows
            self._ids.append(r[0])
            self._phones.append(phone_key(r[3]))
            self._places.append(self._place_cache(r[2]))
            self._n_rows += 1
        self._created = np.concatenate([self._created, created])
        self._alive = np.concatenate([self._alive, np.ones(len(rows), dtype=bool)])
        if self._n_rows - self._text.n_main > max(4096, self._text.n_main // 8):
            self._merge()

    def remove(self, case_id: Hashable) -> bool:
        """Forget a case (closed, merged, deleted). Returns whether it was indexed."""
        row = self._row_of.pop(case_id, None)
        if row is None:
            return False
        self._alive[row] = False
        self._n_dead += 1
        if self._n_dead > 1024 and self._n_dead > self._n_rows // 4:
            self._compact()
        return True

    def remove_older_than(self, cutoff: dt.datetime) -> int:
        """Remove every case created before ``cutoff``; returns how many."""
        t = _ts(cutoff)
        old = [self._ids[r] for r in np.flatnonzero(self._alive & (self._created < t))]
        for case_id in old:
            self.remove(case_id)
        return len(old)

    def _merge(self) -> None:
        self._text.merge()
        self._title.merge()

    def _compact(self) -> None:
        """Drop the dead rows (tombstones) from every structure."""
        alive = self._alive
        self._text.compact(alive)
        self._title.compact(alive)
        rows = np.flatnonzero(alive)
        self._ids = [self._ids[r] for r in rows]
        self._phones = [self._phones[r] for r in rows]
        self._places = [self._places[r] for r in rows]
        self._created = self._created[rows]
        self._alive = np.ones(len(rows), dtype=bool)
        self._row_of = {cid: i for i, cid in enumerate(self._ids)}
        self._n_rows = len(rows)
        self._n_dead = 0

    # ------------------------------------------------------------------ query
    def _query_vector(self, counts: sparse.csr_matrix, i: int) -> sparse.csr_matrix | None:
        lo, hi = counts.indptr[i], counts.indptr[i + 1]
        if lo == hi:
            return None
        cols, w = self._weigh(counts.indices[lo:hi], counts.data[lo:hi], None)
        return sparse.csr_matrix((w, cols, np.array([0, len(cols)])), shape=(1, self.n_features))

    def similarities(self, text: str, title: str | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(rows, text cosine, title cosine) of every indexed row sharing a feature with the
        request in either field (dead rows included)."""
        text_cos = np.zeros(self._n_rows, dtype=np.float32)
        title_cos = np.zeros(self._n_rows, dtype=np.float32)
        if self._n_rows == 0:
            return np.zeros(0, dtype=np.int64), text_cos, title_cos
        counts = self._counts([text, title_of(text, title)])  # one hashing call: its overhead dominates
        q = self._query_vector(counts, 0)
        if q is not None:
            self._text.scores_into(q, text_cos)
        qt = self._query_vector(counts, 1)
        if qt is not None:
            self._title.scores_into(qt, title_cos)
        rows = np.flatnonzero((text_cos > 0) | (title_cos > 0))
        return rows, text_cos[rows], title_cos[rows]

    def _score(self, text_cos: np.ndarray, title_cos: np.ndarray) -> np.ndarray:
        b0, b_text, b_title = self.coefficients or (B0, B_TEXT, B_TITLE)
        if b0 == 0.0 and b_text == 1.0 and b_title == 0.0:
            return text_cos.astype(np.float64)  # the text cosine itself (the method before titles)
        z = b0 + b_text * text_cos.astype(np.float64) + b_title * title_cos.astype(np.float64)
        scores: np.ndarray = 1.0 / (1.0 + np.exp(-z))
        return scores

    def place_factor(self, query_units: frozenset[str], row: int) -> tuple[float, bool]:
        """(overlap of the specific place units in [0, 1], or -1 if a place is unknown; same place)."""
        units = self._places[row]
        if not query_units or not units:
            return -1.0, False
        overlap = len(query_units & units) / min(len(query_units), len(units))
        return overlap, overlap > 0

    def query(
        self,
        text: str,
        place: str | None,
        phone: str | None,
        now: dt.datetime,
        k: int = 5,
        window_days: float = 30,
        *,
        min_score: float | None = None,
        title: str | None = None,
    ) -> list[Candidate]:
        """The open cases created in ``[now - window_days, now]`` most likely the same case.

        Only candidates with a score ≥ ``min_score`` (default: the index's ``threshold``) are
        returned, best first, at most ``k``; flagged same-phone candidates come first."""
        threshold = self.threshold if min_score is None else min_score
        rows, text_cos, title_cos = self.similarities(text, title)
        if len(rows) == 0:
            return []
        t_now = _ts(now)
        ok = self._alive[rows] & (self._created[rows] >= t_now - window_days * 86400.0)
        ok &= self._created[rows] <= t_now + 60.0
        rows = rows[ok]
        scores = self._score(text_cos[ok], title_cos[ok])
        # Place adjustments raise a score by at most place_bonus, so the re-ranked set only needs
        # the candidates that can still reach the threshold.
        keep = scores >= threshold - self.place_bonus
        rows, scores = rows[keep], scores[keep]
        if len(rows) > self.rerank:
            top = np.argpartition(-scores, self.rerank - 1)[: self.rerank]
            rows, scores = rows[top], scores[top]
        q_units = place_units(place)
        q_phone = phone_key(phone)
        out: list[Candidate] = []
        for row, s in zip(rows.tolist(), scores.tolist(), strict=True):
            overlap, same_place = self.place_factor(q_units, row)
            score = float(s)
            if overlap > 0:
                score = min(1.0, score + self.place_bonus * overlap)
            elif overlap == 0:
                score *= self.place_mismatch
            if score < threshold:
                continue
            same_phone = bool(q_phone) and q_phone == self._phones[row]
            if same_phone and score >= self.flag_threshold:
                reason = SAME_PHONE_REASON
            else:
                bits = ["同一号码" if same_phone else "", "地点相同" if same_place else "", "文本相似"]
                reason = "，".join(b for b in bits if b)
            out.append(Candidate(self._ids[row], round(score, 4), same_phone, reason))
        out.sort(key=lambda c: (not c.flagged, -c.score))
        return out[:k]

    # ------------------------------------------------------------------ stats
    def memory_bytes(self) -> int:
        """Approximate bytes held by the arrays of the index (not the Python per-case objects)."""
        total = self._text.memory_bytes() + self._title.memory_bytes() + self._df.nbytes
        return total + self._created.nbytes + self._alive.nbytes

    @property
    def nnz(self) -> int:
        return self._text.nnz + self._title.nnz


def build_index(rows: Iterable[Row], **options: Any) -> DuplicateIndex:
    """A :class:`DuplicateIndex` of ``(case_id, text, place, phone, created_at[, title])`` rows."""
    index = DuplicateIndex(**options)
    index.add_many(rows)
    if index._n_rows > index._text.n_main:
        index._merge()
    return index


def main(argv: list[str] | None = None) -> int:
    """``python -m triage.duplicates evaluate …`` (kept for old scripts) runs the evaluator."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] != "evaluate":
        print("usage: python -m triage.duplicates_eval [--synthetic] [--cases N] [--out PATH]")
        return 2
    from triage.duplicates_eval import main as eval_main

    return eval_main(argv[1:])


if __name__ == "__main__":
    sys.exit(main())
