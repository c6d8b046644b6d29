"""The chat's settings panel: its widgets, and the values a session holds for them.

Chainlit shows the panel from a list of input widgets and hands back their values by id. The panel holds the
answer language and the sequence knowledge, and one action that is not a setting: "Your data", where a user asks
for the zip of all their conversations or for everything of theirs to be deleted (it always resets to "nothing",
and deleting still asks for a confirmation in the chat).
"""

from __future__ import annotations

import chainlit as cl

LANGUAGE_LABELS = {"matlab": "MATLAB", "python": "Python", "octave": "Octave"}
SEQUENCE_KNOWLEDGE_TEMPLATE = """\
Sequence type: 2D gradient echo (FLASH), Cartesian
Scanner limits: B0 3 T, max gradient 32 mT/m, max slew rate 130 T/m/s, RF dead time 100 us, ADC dead time 10 us
Timing: TR 12 ms, TE 5 ms, flip angle 15 deg
Geometry: FOV 256 mm, matrix 256 x 256, slice thickness 3 mm
Current focus: (what you are working on now, e.g. "the spoiler gradient after the readout")"""
DATA_ACTION = "your_data"
DATA_CHOICES = {  # label shown -> value handed back
    "Nothing": "none",
    "Download all my conversations (zip)": "export_all",
    "Delete all my data…": "delete_all",
}


def chat_settings_of(session: dict) -> dict:
    """The settings-panel values a session holds (keys are the ChatSettings widget ids). The browser shows these
    on resume, so an unset sequence-knowledge text shows the template, as in a new chat."""
    return {
        "language": session.get("preferred_language") or "matlab",
        "sequence_knowledge": session.get("sequence_knowledge") or SEQUENCE_KNOWLEDGE_TEMPLATE,
        "use_sequence_knowledge": bool(session.get("use_sequence_knowledge")),
    }


def settings_widgets(values: dict) -> cl.ChatSettings:
    from chainlit.input_widget import Select, Switch, TextInput

    return cl.ChatSettings(
        [
            Select(
                id="language",
                label="Answer in",
                items={label: code for code, label in LANGUAGE_LABELS.items()},
                initial_value=values.get("language") or "matlab",
                description="Code and function names follow this language. Your choice is also used for new chats.",
            ),
            TextInput(
                id="sequence_knowledge",
                label="Sequence knowledge",
                initial=values.get("sequence_knowledge") or SEQUENCE_KNOWLEDGE_TEMPLATE,
                multiline=True,
                description="What PulsePal should keep in mind about your sequence and scanner.",
            ),
            Switch(
                id="use_sequence_knowledge",
                label="Use sequence knowledge in answers",
                initial=bool(values.get("use_sequence_knowledge")),
            ),
            Select(
                id=DATA_ACTION,
                label="Your data",
                items=DATA_CHOICES,
                initial_value="none",
                description="Download every conversation of yours as one zip (JSON and Markdown), or delete all of "
                            "them (you confirm in the chat first). Also: /export-all and /delete-all.",
            ),
        ]
    )
