"""A calculator service (NATS micro protocol): typed endpoints, a group, discovery, errors.

Run: python examples/services.py [nats://127.0.0.1:4222]
"""

from __future__ import annotations

import asyncio
import sys

from pydantic import BaseModel

import jsm


class AddRequest(BaseModel):
    a: float
    b: float


class AddResponse(BaseModel):
    sum: float


async def main(url: str) -> None:
    async with jsm.connect(url) as js:
        svc = js.services.add("calc", "1.0.0", description="adds and divides")

        @svc.endpoint("add")  # listens on "add", queue group "q"
        async def add(request: AddRequest) -> AddResponse:  # JSON in, JSON out
            return AddResponse(sum=request.a + request.b)

        math = svc.group("calc.math")

        @math.endpoint("divide")  # listens on "calc.math.divide"
        async def divide(request: jsm.ServiceRequest) -> bytes:  # raw payload and headers
            a, b = (float(x) for x in request.data.split(b"/"))
            if b == 0:
                raise jsm.ServiceError(400, "division by zero")
            return str(a / b).encode()

        async with svc.run():
            result = await js.services.request("add", AddRequest(a=1, b=2), response=AddResponse)
            print(f"add 1 + 2 = {result.sum:g}")
            print(
                f"divide 9/4 = {(await js.services.request('calc.math.divide', b'9/4')).decode()}"
            )
            try:
                await js.services.request("calc.math.divide", b"1/0")
            except jsm.ServiceRequestError as err:
                print(f"service error {err.code}: {err.description}")
            try:
                await js.services.request("add", b"{not json")
            except jsm.ServiceRequestError as err:
                print(f"malformed request rejected with {err.code}")

            async for info in js.services.info("calc"):  # every running instance answers
                endpoints = ", ".join(f"{e.name} on {e.subject}" for e in info.endpoints)
                print(f"found {info.name} {info.version} ({info.id}): {endpoints}")
            for stats in await js.services.stats("calc"):
                for entry in stats.endpoints:
                    print(
                        f"  {entry.name}: {entry.num_requests} requests, {entry.num_errors} errors, "
                        f"average {entry.average_processing_time / 1000:.0f} µs"
                    )
        print("service stopped")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "nats://127.0.0.1:4222"))
