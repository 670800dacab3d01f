"""Helpers shared by services."""


def assign_validated(obj, fields: dict):
    """Set the fields, run the model's validation (validators, choices, constraints) and save."""
    for name, value in fields.items():
        setattr(obj, name, value)
    # The model's validators guard every caller (forms, API, imports), not just the one that happens to check.
    obj.full_clean()
    obj.save()
    return obj
