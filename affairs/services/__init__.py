"""The verbs of the application loop (one per action) and of 一事联办."""

from affairs.services.applications import (
    LOOP,
    ApplicantData,
    accept,
    approve_step,
    correct,
    deliver,
    deny,
    grant,
    notify,
    rate,
    rectify,
    refuse,
    submit,
    take,
    withdraw,
)
from affairs.services.joint import joint_state, submit_joint

__all__ = [
    "LOOP",
    "ApplicantData",
    "accept",
    "approve_step",
    "correct",
    "deliver",
    "deny",
    "grant",
    "joint_state",
    "notify",
    "rate",
    "rectify",
    "refuse",
    "submit",
    "submit_joint",
    "take",
    "withdraw",
]
