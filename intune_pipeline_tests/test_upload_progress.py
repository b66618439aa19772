"""The run's log follows an upload's progress at a readable pace, not a line per batch."""

import yaml

from intune_pipeline.oomnitza.batches import PROGRESS_SECONDS
from intune_pipeline.summary import materializations
from intune_pipeline_tests.instances import DAGSTER_YAML, instance_for_test
from intune_pipeline_tests.runs import sync

# The project's instance brings the pipeline's own log lines into each run's log.
PYTHON_LOGS = yaml.safe_load(DAGSTER_YAML.read_text())["python_logs"]


def test_progress_lines_come_every_few_seconds_and_the_outcome_gives_the_total(sandbox_env):
    with instance_for_test(python_logs=PYTHON_LOGS) as instance:
        result = sync(instance, full_read=True, batch_size=5, concurrency=4)
        entries = instance.all_logs(result.run_id)
    load = materializations(result)["oomnitza_load"]
    batches = -(-load["sent"] // 5)
    seconds = entries[-1].timestamp - entries[0].timestamp
    messages = [entry.user_message for entry in entries]
    portion = f"records to Oomnitza portion {load['portion']}"  # not the rehearsal's
    progress = [message for message in messages if message.endswith(portion)]
    assert batches >= 60
    # The first batch's line, then one every PROGRESS_SECONDS at most.
    assert 1 <= len(progress) <= 1 + seconds / PROGRESS_SECONDS < batches
    assert f"Portion {load['portion']}: {load['sent']} sent" in "\n".join(messages)
