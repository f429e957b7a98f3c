"""Part 4 of 4 of the contract fuzzing (tests/test_contract.py says what and why)."""

from tests.test_contract import fuzz_part


def test_every_operation_of_part_4_keeps_the_contract(contract_schema):
    fuzz_part(contract_schema, 4)
