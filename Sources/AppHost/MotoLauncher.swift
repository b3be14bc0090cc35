import Foundation

/// How a native `type: aws` server keeps its state across runs. moto holds everything in memory,
/// but records the requests it serves (`MOTO_ENABLE_RECORDING`, into `MOTO_RECORDER_FILEPATH`)
/// and can send them again (`recorder.replay_recording`). The launcher, run as `python -c SCRIPT
/// -H BIND -p PORT`, replays the recording into a throwaway server on a free loopback port
/// (moto's backends are per process, so the state stays) and only then starts the real server:
/// the health check (S3 ListBuckets) passes once the state is back, and no client sees a store
/// half restored. `down --volumes` removes the folder, so the next run starts empty.
package enum MotoLauncher {
    /// The recording, in the server's data folder (`.aspire/data/NAME`).
    package static let recordingFile = "recording.jsonl"

    /// `python -c SCRIPT` followed by moto_server's own arguments.
    package static func arguments(server: [String]) -> [String] { ["-c", script] + server }

    /// The variables that turn moto's recorder on, into `data`'s recording.
    package static func environment(data: String) -> [String: String] {
        ["MOTO_RECORDER_FILEPATH": (data as NSString).appendingPathComponent(recordingFile), "MOTO_ENABLE_RECORDING": "True"]
    }

    /// Records only requests that may change state: a GET, HEAD or OPTIONS (S3 reads, the health
    /// check every 5 s) is left out, so the file grows with writes (every SQS and DynamoDB call
    /// is a POST, reads included). A line cut short by a kill is dropped before the replay;
    /// the responses of the replay are ignored (a CreateBucket answered 409 changes nothing).
    /// A replay that cannot finish stops the launcher with the reason, before any client connects.
    /// SQS receipt handles are numbered rather than random, so a recorded DeleteMessage finds its
    /// message again on replay.
    package static let script = """
        import json, logging, os, sys, time
        from moto.moto_api import recorder
        from moto.server import ThreadedMotoServer, main

        path = os.environ["MOTO_RECORDER_FILEPATH"]
        reads = ("GET", "HEAD", "OPTIONS")
        record = recorder._record_request

        def record_writes(request, body=None):
            if request.method not in reads:
                record(request, body)

        recorder._record_request = record_writes
        # A replayed DeleteMessage names the receipt handle its ReceiveMessage got: handles numbered
        # in the order messages are received come out the same on replay (moto's are random).
        import hashlib, itertools
        import moto.sqs.models
        handles = itertools.count()
        moto.sqs.models.generate_receipt_handle = lambda: hashlib.sha256(b"aspire-%d" % next(handles)).hexdigest()
        kept, dropped, whole = [], 0, True
        if os.path.exists(path):
            with open(path, "rb") as file:
                for line in file:
                    whole = line.endswith(b"\\n")
                    try:
                        if json.loads(line).get("method") not in reads:
                            kept.append(line.rstrip(b"\\n") + b"\\n")
                            continue
                    except ValueError:
                        pass
                    dropped += 1
            if dropped or not whole:
                with open(path + ".tmp", "wb") as file:
                    file.writelines(kept)
                os.replace(path + ".tmp", path)
        if kept:
            started = time.monotonic()
            log = logging.getLogger("werkzeug")
            level = log.level
            log.setLevel(logging.ERROR)
            server = ThreadedMotoServer("127.0.0.1", 0, verbose=False)
            server.start()
            try:
                recorder.replay_recording(target_host="http://127.0.0.1:%d" % server.get_host_and_port()[1])
            except Exception as error:
                sys.exit(f"cannot restore the state recorded in {path} ({error}); aspire down --volumes starts afresh")
            finally:
                server.stop()
                log.setLevel(level)
            print(f"restored {len(kept)} requests from {path} in {time.monotonic() - started:.1f}s", flush=True)
        main(sys.argv[1:])
        """
}
