"""keras-tuner's chief/worker mode: the environment, the chief's server, the worker's wait.

keras-tuner distributes a search through three environment variables read when a tuner
is constructed: `KERASTUNER_TUNER_ID` ("chief" for the process that holds the oracle,
anything else for a worker), `KERASTUNER_ORACLE_IP` and `KERASTUNER_ORACLE_PORT`. The
chief serves the oracle over gRPC; workers ask it for trials and report every epoch.

Two things are done differently from keras-tuner's `oracle_chief.start_server`: the chief
polls for the end every 0.2 s instead of every 20 s, and a bind failure is an error, not a
silent server on no port. A worker first waits at most `timeout` seconds for the chief to
answer (keras-tuner itself would wait an hour per call).
"""

from __future__ import annotations

import contextlib
import os
import socket
import time
from collections.abc import Iterator

from tuning.validation import OracleUnreachableError, SearchInputError, parse_address

_VARIABLES = ("KERASTUNER_TUNER_ID", "KERASTUNER_ORACLE_IP", "KERASTUNER_ORACLE_PORT")
#: Seconds a worker waits on one call to the chief once the search runs.
RPC_TIMEOUT = 300


def default_tuner_id(role: str) -> str:
    """ "chief" for the chief; for a worker a name unique to this process and machine."""
    if role == "chief":
        return "chief"
    host = socket.gethostname().replace("chief", "chf")
    return f"tuner-{host}-{os.getpid()}"


@contextlib.contextmanager
def distributed_environment(
    role: str | None, address: str | None, tuner_id: str | None
) -> Iterator[str]:
    """Sets keras-tuner's variables for `role` for the duration (and restores them).

    Yields the tuner id ("tuner0" when not distributed).
    """
    saved = {name: os.environ.get(name) for name in _VARIABLES}
    try:
        if role is None:
            for name in _VARIABLES:
                os.environ.pop(name, None)
            yield "tuner0"
            return
        host, port = parse_address(address)
        tuner_id = "chief" if role == "chief" else (tuner_id or default_tuner_id(role))
        os.environ.update(
            KERASTUNER_TUNER_ID=tuner_id,
            KERASTUNER_ORACLE_IP=host,
            KERASTUNER_ORACLE_PORT=str(port),
        )
        yield tuner_id
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def wait_for_oracle(address: str, timeout: float) -> None:
    """Returns once a gRPC server answers at `address`.

    Raises:
        OracleUnreachableError: nothing answered within `timeout` seconds.
    """
    import grpc

    from tuning import compat

    host, port = parse_address(address)
    channel = grpc.insecure_channel(f"{host}:{port}")
    try:
        grpc.channel_ready_future(channel).result(timeout=timeout)
    except grpc.FutureTimeoutError:
        raise OracleUnreachableError(
            f"no oracle answered at {host}:{port} within {timeout:g} s; start the chief first "
            f"(lstm-zoo tune MODEL ... --distributed chief --oracle {host}:{port}) or check the "
            "address and the firewall."
        ) from None
    finally:
        channel.close()
    compat.set_rpc_timeout(RPC_TIMEOUT)  # keras-tuner's default is an hour per call


def lost_oracle(address: str, error: BaseException) -> OracleUnreachableError:
    """The error for a worker whose chief stopped answering mid-search."""
    detail = getattr(error, "details", lambda: None)() or type(error).__name__
    return OracleUnreachableError(f"lost the oracle at {address}: {detail}.")


def serve(oracle, address: str, poll: float = 0.2) -> None:
    """Serves `oracle` to the workers until the search is over: some worker was told
    STOPPED, no trial is running and every worker that asked for trials has been
    told to stop. Every second it re-queues the trials of workers silent for longer
    than the oracle's `trial_timeout` (`ZooOracle.requeue_lost`)."""
    from concurrent import futures

    import grpc

    from tuning import compat

    host, port = parse_address(address)
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=1))
    servicer = compat.add_oracle_service(server, oracle)
    try:
        bound = server.add_insecure_port(f"{host}:{port}")
    except RuntimeError:
        bound = 0
    if not bound:
        raise SearchInputError(f"the chief cannot listen on {host}:{port} (is the port in use?).")
    server.start()
    requeue = getattr(oracle, "requeue_lost", None)  # a ZooOracle re-queues lost trials
    checked = time.monotonic()
    try:
        while not (servicer.stop_triggered and compat.chief_may_exit(oracle)):
            time.sleep(poll)
            if requeue is not None and time.monotonic() - checked > 1.0:
                requeue()
                checked = time.monotonic()
    finally:
        server.stop(grace=2).wait()
