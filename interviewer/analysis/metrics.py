"""Metrics a candidate may name, and the alternative an interviewer would ask about."""

from __future__ import annotations

import re
from dataclasses import dataclass

from interviewer.analysis.reasoning import is_reasoned
from interviewer.analysis.segments import phrase_regex, split_segments


@dataclass(frozen=True)
class MetricEntry:
    name: str
    aliases: tuple[str, ...]
    alternatives: tuple[str, ...]


# The first alternative is the one asked about; the order of entries decides ties.
LEXICON: tuple[MetricEntry, ...] = (
    MetricEntry("DAU", ("dau", "daily active users", "daily actives"), ("WAU", "DAU/MAU stickiness")),
    MetricEntry("WAU", ("wau", "weekly active users"), ("DAU", "MAU")),
    MetricEntry("MAU", ("mau", "monthly active users"), ("DAU", "DAU/MAU stickiness")),
    MetricEntry(
        "retention",
        ("retention", "d1 retention", "d7 retention", "7-day retention"),
        ("churn rate", "DAU/MAU stickiness"),
    ),
    MetricEntry("CTR", ("ctr", "click-through rate", "click through rate"), ("watch time", "conversion rate")),
    MetricEntry("watch time", ("watch time", "time spent", "dwell time"), ("completion rate", "CTR")),
    MetricEntry("completion rate", ("completion rate", "finish rate"), ("watch time",)),
    MetricEntry("conversion rate", ("conversion rate", "conversions"), ("revenue per user",)),
    MetricEntry("session length", ("session length", "session duration"), ("sessions per user",)),
    MetricEntry("PR-AUC", ("pr-auc", "pr auc", "aucpr", "auc-pr", "average precision"), ("ROC-AUC",)),
    MetricEntry(
        "ROC-AUC",
        ("roc-auc", "roc auc", "auc", "auroc", "area under the curve"),
        ("PR-AUC, if the classes were imbalanced",),
    ),
    MetricEntry("F1", ("f1", "f1 score", "f1-score"), ("an F-beta weighted towards the costlier error",)),
    MetricEntry("precision", ("precision",), ("recall",)),
    MetricEntry("recall", ("recall",), ("precision",)),
    MetricEntry("accuracy", ("accuracy",), ("precision and recall, if the classes were imbalanced",)),
    MetricEntry("NDCG", ("ndcg", "normalized discounted cumulative gain"), ("MRR",)),
    MetricEntry("MRR", ("mrr", "mean reciprocal rank"), ("NDCG",)),
    MetricEntry("MAP", ("map@k", "mean average precision"), ("NDCG",)),
    MetricEntry("recall@k", ("recall@k", "hit rate"), ("NDCG",)),
    MetricEntry("RMSE", ("rmse", "root mean squared error"), ("MAE",)),
    MetricEntry("MAE", ("mae", "mean absolute error"), ("RMSE",)),
    MetricEntry("log loss", ("log loss", "logloss", "cross-entropy loss"), ("AUC",)),
    MetricEntry("p99 latency", ("p99", "p99 latency", "tail latency", "p95", "p95 latency"), ("mean latency",)),
    MetricEntry("average latency", ("average latency", "mean latency"), ("p99 latency",)),
    MetricEntry("error rate", ("error rate", "5xx rate"), ("an SLO error budget",)),
    MetricEntry("availability", ("availability", "uptime"), ("an SLO error budget",)),
    MetricEntry("revenue", ("revenue", "arpu", "revenue per user"), ("lifetime value",)),
    MetricEntry("time to first post", ("time to first post",), ("share of new users who post in their first week",)),
)


# Terse notes justify a metric too: "DAU (not MAU): daily habit", "watch time vs views", "p99 over mean",
# an arrow from a reason to the choice, or a few words of explanation in brackets.
_NOT_A_CONTRAST = r"(?!time\b|(?:the\s+)?(?:last|past|next|years?|months?|weeks?|days?|course)\b|a\s|\d)"
_CONTRAST = re.compile(
    r"\(\s*not\b|\bnot\s+[\w/@-]+\s*\)|\bvs\.?(?!\w)|\bversus\b|\bover\s+" + _NOT_A_CONTRAST + r"[\w@-]+|"
    r"\binstead\s+of\b|\brather\s+than\b|\bcompared\s+(?:to|with)\b|\w\s*:\s+\w+(?:\s+\w+){2,}|"
    r"->|=>|→|\([A-Za-z][^()\s]*\s[^()\n]*\)",  # "hard to reverse -> precision", "MAU (hides churn)"
    re.IGNORECASE,
)
_TERM_LIST_ITEMS = 4


def is_contrasted(text: str) -> bool:
    """A metric set against an alternative or followed by a short explanation, outside a bare list of terms."""
    items = [item for item in re.split(r"[,;|]", text) if item.strip()]
    if len(items) >= _TERM_LIST_ITEMS and all(len(item.split()) <= 3 for item in items):
        return False
    return _CONTRAST.search(text) is not None


@dataclass(frozen=True)
class MetricMention:
    metric: MetricEntry
    as_written: str
    position: int
    justified: bool

    @property
    def alternative(self) -> str:
        return self.metric.alternatives[0]


def _alias_regex(alias: str) -> re.Pattern[str]:
    if "@" in alias:
        return re.compile(rf"(?<![\w]){re.escape(alias)}(?![\w])", re.IGNORECASE)
    return phrase_regex(alias)


def find_metrics(answer: str) -> list[MetricMention]:
    """Every metric named, in order of first appearance, and whether a reason accompanies it."""
    segments = split_segments(answer)
    mentions: dict[str, MetricMention] = {}
    claimed: list[tuple[int, int]] = []
    # Longer aliases first so "PR-AUC" is not also read as "AUC".
    entries = sorted(((alias, entry) for entry in LEXICON for alias in entry.aliases), key=lambda pair: -len(pair[0]))
    for alias, entry in entries:
        for segment in segments:
            for match in _alias_regex(alias).finditer(segment.text):
                start = segment.start + match.start()
                end = segment.start + match.end()
                if any(start < c_end and c_start < end for c_start, c_end in claimed):
                    continue
                claimed.append((start, end))
                justified = is_reasoned(segment.text) or is_contrasted(segment.text)
                known = mentions.get(entry.name)
                if known is None or start < known.position:
                    mentions[entry.name] = MetricMention(
                        entry, match.group(0), start, justified or (known.justified if known else False)
                    )
                elif justified and not known.justified:
                    mentions[entry.name] = MetricMention(entry, known.as_written, known.position, True)
    return sorted(mentions.values(), key=lambda m: m.position)


def metric_fits(entry: MetricEntry, question_text: str) -> bool:
    """A metric fits a question whose own words (prompt, reference, rubric) name it under any alias."""
    return any(_alias_regex(alias).search(question_text) for alias in (entry.name.lower(), *entry.aliases))


def first_unjustified_metric(
    answer: str, exclude: set[str] | frozenset[str] = frozenset(), question_text: str | None = None
) -> MetricMention | None:
    """The first metric named without a reason anywhere in `answer`, skipping metrics foreign to the question."""
    for mention in find_metrics(answer):
        if mention.justified or mention.metric.name in exclude:
            continue
        if question_text is not None and not metric_fits(mention.metric, question_text):
            continue
        return mention
    return None
