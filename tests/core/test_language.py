"""core.language: the one place that knows which language the reader reads."""

from django.utils import translation

from core.language import current_language, pick


def test_pick_follows_the_active_language():
    with translation.override("en"):
        assert current_language() == "en"
        assert pick("Số lớp", "Classes") == "Classes"
        # No English label: the Vietnamese one rather than nothing.
        assert pick("Số lớp", "") == "Số lớp"
        assert pick("Số lớp", None) == "Số lớp"
    with translation.override("vi"):
        assert current_language() == "vi"
        assert pick("Số lớp", "Classes") == "Số lớp"


def test_pick_for_a_given_language_ignores_the_active_one():
    with translation.override("vi"):
        assert pick("Số lớp", "Classes", "en") == "Classes"
        assert pick("Số lớp", "", "en") == "Số lớp"
    with translation.override("en"):
        assert pick("Số lớp", "Classes", "vi") == "Số lớp"
