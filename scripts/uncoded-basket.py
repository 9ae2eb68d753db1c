#!/usr/bin/env python3
"""A basket of N items without HS codes (distinct four-word descriptions, EUR 1 each, to DE), for
timing how a quote's cost grows with uncoded items (BENCHMARKS.md, "Hostile input").

    python3 scripts/uncoded-basket.py 1000 > /tmp/big1000.json
    /usr/bin/time -f '%U' target/debug/landed quote /tmp/big1000.json > /dev/null
"""
import json
import random
import sys

WORDS = (
    "cotton wool silk polyester leather steel plastic wooden glass ceramic shirt jacket trousers shoe bag "
    "lamp chair table cup bowl knife phone cable charger toy doll ball book pen watch ring necklace bottle "
    "brush comb towel blanket pillow"
).split()


def main() -> None:
    n = int(sys.argv[1])
    rng = random.Random(7)
    items = [
        {
            "id": f"i{i}",
            "description": " ".join(rng.choice(WORDS) for _ in range(4)) + f" model {i}",
            "origin": "CN",
            "quantity": 1,
            "unit_price": "1.00",
        }
        for i in range(n)
    ]
    basket = {
        "destination": "DE",
        "date": "2026-11-25",
        "currency": "EUR",
        "channel": "post",
        "seller": {"registrations": ["EU_IOSS"]},
        "items": items,
    }
    json.dump(basket, sys.stdout)


if __name__ == "__main__":
    main()
