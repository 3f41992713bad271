import pytest

from interviewer.analysis.metrics import LEXICON, find_metrics, first_unjustified_metric, metric_fits


def test_metrics_are_found_in_order_as_written():
    mentions = find_metrics("We tracked Daily Active Users, then CTR and p99 latency.")
    assert [m.metric.name for m in mentions] == ["DAU", "CTR", "p99 latency"]
    assert mentions[0].as_written == "Daily Active Users"


def test_longer_names_win_over_their_parts():
    names = [m.metric.name for m in find_metrics("We optimised PR-AUC offline.")]
    assert names == ["PR-AUC"]


def test_a_metric_with_a_reason_is_justified():
    mention = first_unjustified_metric("I chose recall because missing harmful content is costly. We also had DAU.")
    assert mention is not None
    assert mention.metric.name == "DAU"
    assert mention.alternative == "WAU"


def test_auc_is_challenged_with_pr_auc():
    mention = first_unjustified_metric("The model reached an AUC of 0.91.")
    assert mention is not None
    assert "PR-AUC" in mention.alternative


def test_excluded_metrics_are_not_asked_again():
    assert first_unjustified_metric("We tracked DAU.", exclude={"DAU"}) is None


@pytest.mark.parametrize(
    ("answer", "justified"),
    [
        ("DAU (not MAU): daily habit product.", True),
        ("Watch time vs views, since views reward clickbait.", True),
        ("Auto-ban, hard to reverse -> precision.", True),
        ("Precision over recall for bans.", True),
        ("DAU for reach (MAU hides churn).", True),
        ("We tracked DAU over time.", False),
        ("Metrics: DAU, WAU, retention, CTR", False),
        ("We looked at DAU on the dashboard.", False),
    ],
)
def test_terse_notes_justify_a_metric_and_bare_lists_do_not(answer, justified):
    assert find_metrics(answer)[0].justified is justified


def test_a_metric_fits_a_question_that_names_it_under_any_alias():
    dau = next(entry for entry in LEXICON if entry.name == "DAU")
    assert metric_fits(dau, "Which three metrics? Daily active users capture reach.")
    assert not metric_fits(dau, "Precision or recall for a moderation model?")


def test_metrics_foreign_to_the_question_are_skipped():
    question_text = "A moderation model: precision or recall?"
    mention = first_unjustified_metric("DAU, WAU, precision.", question_text=question_text)
    assert mention is not None and mention.metric.name == "precision"
