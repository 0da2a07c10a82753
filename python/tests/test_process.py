"""The child process: ready by its stdout line or by its ready file, pipes drained, stopped even
when it ignores SIGTERM. Fake emulators (small Python scripts) play the emulator's side."""
import json
import sys
import textwrap
import time

from ipam_emulator.process import EmulatorProcess

READY = {'event': 'ready', 'url': 'http://127.0.0.1:1/wsman'}


def run(tmp_path, script):
    path = tmp_path / 'fake.py'
    path.write_text(textwrap.dedent(script), encoding='utf-8')
    return EmulatorProcess([sys.executable, str(path), str(tmp_path / 'ready.json')])


def test_the_ready_line_is_a_json_log_record(tmp_path):
    process = run(tmp_path, f'''
        import json, time
        print('ipam-emulator: a banner that is not JSON', flush=True)
        print(json.dumps({{'level': 30, 'msg': 'listening'}}), flush=True)
        print(json.dumps({{'level': 30, 'time': 1, 'name': 'ipam-emulator', **{READY!r}, 'msg': 'ready'}}), flush=True)
        time.sleep(60)
    ''')
    try:
        # pino's own fields dropped: the same object as the ready file's.
        assert process.wait_ready(tmp_path / 'ready.json', timeout=20) == READY
    finally:
        process.stop(grace=5)


def test_the_ready_file_is_enough_and_a_chatty_log_never_blocks_the_emulator(tmp_path):
    # 4 MB of log before the ready file: far past a pipe's buffer, so an undrained stdout would hold
    # the fake at its first 64 KB and the ready file would never come.
    process = run(tmp_path, f'''
        import json, os, sys, time
        for i in range(40000):
            sys.stdout.write(json.dumps({{'level': 30, 'msg': 'request', 'seq': i, 'pad': 'x' * 60}}) + '\\n')
        sys.stdout.flush()
        with open(sys.argv[1] + '.tmp', 'w') as f:
            json.dump({READY!r}, f)
        os.rename(sys.argv[1] + '.tmp', sys.argv[1])
        time.sleep(60)
    ''')
    try:
        assert process.wait_ready(tmp_path / 'ready.json', timeout=20) == READY
        assert json.loads(process.stdout_tail()[-1])['seq'] == 39999
    finally:
        process.stop(grace=5)


def test_an_emulator_that_ignores_sigterm_is_killed_after_the_grace(tmp_path):
    process = run(tmp_path, '''
        import signal, time
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        print('{"event": "ready"}', flush=True)
        time.sleep(60)
    ''')
    process.wait_ready(tmp_path / 'ready.json', timeout=20)
    started = time.monotonic()
    assert process.stop(grace=0.5) == -9
    assert time.monotonic() - started < 5
