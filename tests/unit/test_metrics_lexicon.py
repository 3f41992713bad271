from interviewer.analysis.metrics import find_metrics, first_unjustified_metric


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
