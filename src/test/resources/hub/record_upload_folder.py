"""Runs huggingface_hub's own create_repo + upload_folder against the project's fake Hub and records the exchange.

The exchange it writes (upload_folder_exchange.txt) is what HubUploaderTest compares the plugin's upload with.
Run from the repository root after `mvn test-compile` (huggingface_hub's sources from its git mirror, no install):

  git -C <mirror>/huggingface+huggingface_hub/repo archive HEAD src/huggingface_hub | tar x -C /tmp/hfh
  HFH_SRC=/tmp/hfh/src /usr/bin/python3 src/test/resources/hub/record_upload_folder.py "$(cat target/cp.txt)"
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.environ["HFH_SRC"])
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
os.environ["HF_HUB_DISABLE_XET"] = "1"
import huggingface_hub  # noqa: E402
from huggingface_hub import HfApi  # noqa: E402

classpath = "target/test-classes:target/classes:" + sys.argv[1]
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "upload_folder_exchange.txt")
with tempfile.TemporaryDirectory() as tmp:
    folder = os.path.join(tmp, "model")
    server = subprocess.Popen(["java", "-cp", classpath, "org.diffusionij.io.hub.UploadExchange", "lab/sample",
                               folder, out], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    endpoint = server.stdout.readline().strip()
    api = HfApi(endpoint=endpoint, token="hf_test_token")
    api.create_repo("lab/sample", private=False, exist_ok=True)
    info = api.upload_folder(repo_id="lab/sample", folder_path=folder, commit_message="Upload model")
    server.stdin.close()
    server.wait()
print("huggingface_hub", huggingface_hub.__version__, "committed", info.oid, "->", out)
