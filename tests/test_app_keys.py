"""Keys as people type them: in a burst (a fast typist, a paste, a slow SSH link delivering
several keys at once), every key lands where it should. A burst is simulated by posting all the
keys to the app before it handles the first, which is what the terminal driver does."""

from __future__ import annotations

from textual import events
from textual.widgets import Input, TabbedContent

from alin_tui.ui.app import AlinApp
from alin_tui.ui.components.offer_list import OfferList
from alin_tui.ui.components.offres import SearchInput
from alin_tui.ui.dialogs import ContactDialog
from tests.conftest import screen_text


def burst(app, *keys: str) -> None:
    for key in keys:
        char = key if len(key) == 1 else {"slash": "/", "escape": "\x1b", "enter": "\r"}.get(key)
        app.post_message(events.Key(key, char))


async def settle(app, pilot) -> None:
    await pilot.pause()
    await app.screens_settled()
    await pilot.pause()


async def test_slash_then_a_word_without_pause_lands_whole_in_the_search(store_of) -> None:
    app = AlinApp(store_of("complet"), session=None)
    async with app.run_test(size=(80, 24)) as pilot:
        burst(app, "3", "slash", "e", "v", "r", "y")
        await settle(app, pilot)
        search = app.screen.query_one(SearchInput)
        assert search.value == "evry"
        assert search.has_focus
        assert "Évry" in screen_text(app)


async def test_escape_then_a_digit_leaves_the_field_and_switches_tab(store_of) -> None:
    app = AlinApp(store_of("complet"), session=None)
    async with app.run_test(size=(80, 24)) as pilot:
        burst(app, "slash", "e", "v", "r", "y", "escape", "2")
        await settle(app, pilot)
        assert app.screen.query_one(SearchInput).value == "evry"
        assert app.screen.query_one(TabbedContent).active == "pieces"


async def test_escape_and_digit_read_as_one_alt_key_are_still_two_keys(store_of) -> None:
    """Over SSH, Esc and 2 can arrive in one read: the terminal parser reports `alt+2`."""
    app = AlinApp(store_of("complet"), session=None)
    async with app.run_test(size=(80, 24)) as pilot:
        burst(app, "slash", "t")
        app.post_message(events.Key("alt+2", "2"))
        await settle(app, pilot)
        assert app.screen.query_one(SearchInput).value == "t"
        assert app.screen.query_one(TabbedContent).active == "pieces"


async def test_a_second_escape_clears_the_search(store_of) -> None:
    app = AlinApp(store_of("complet"), session=None)
    async with app.run_test(size=(80, 24)) as pilot:
        burst(app, "slash", "t", "o", "u", "r", "s", "escape")
        await settle(app, pilot)
        offers = app.screen.query_one(OfferList)
        assert offers.has_focus and app.screen.query_one(SearchInput).value == "tours"
        narrowed = offers.source.total
        burst(app, "escape")
        await settle(app, pilot)
        assert app.screen.query_one(SearchInput).value == ""
        assert offers.source.total > narrowed


async def test_digits_type_into_the_search_and_switch_tabs_elsewhere(store_of) -> None:
    app = AlinApp(store_of("complet"), session=None)
    async with app.run_test(size=(80, 24)) as pilot:
        burst(app, "slash", "9", "3")
        await settle(app, pilot)
        assert app.screen.query_one(SearchInput).value == "93"
        assert app.screen.query_one(TabbedContent).active == "offres"
        burst(app, "escape", "4")
        await settle(app, pilot)
        assert app.screen.query_one(TabbedContent).active == "candidatures"


async def test_a_paste_lands_whole_in_the_search(store_of) -> None:
    app = AlinApp(store_of("complet"), session=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash")
        app.post_message(events.Paste("saint-denis\nt3 "))
        burst(app, "x")
        await settle(app, pilot)
        assert app.screen.query_one(SearchInput).value == "saint-denis t3x"


async def test_a_paste_with_colours_and_control_characters_lands_as_text(store_of) -> None:
    """Text copied from another terminal carries colour codes and tabs: the field gets the
    words only, never a raw escape shown as ^[."""
    app = AlinApp(store_of("complet"), session=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash")
        app.post_message(events.Paste("\x1b[1;31mlyon\x1b[0m\tt3\x07\n"))
        await settle(app, pilot)
        assert app.screen.query_one(SearchInput).value == "lyon t3"


async def test_control_keys_work_while_the_search_field_has_focus(store_of) -> None:
    app = AlinApp(store_of("complet"), session=None)
    async with app.run_test(size=(80, 24)) as pilot:
        burst(app, "slash", "a", "ctrl+e")
        await settle(app, pilot)
        assert isinstance(app.screen, ContactDialog)
        burst(app, "escape")
        await settle(app, pilot)
        assert app.screen.query_one(SearchInput).value == "a"


async def test_question_mark_lists_the_keys_of_the_current_tab_in_french(store_of) -> None:
    app = AlinApp(store_of("complet"), session=None)
    async with app.run_test(size=(80, 40)) as pilot:
        await pilot.press("3", "question_mark")
        await settle(app, pilot)
        text = " ".join(screen_text(app).split())
        assert "Dans l'onglet Offres" in text
        for words in ("Candidater", "Filtres", "Trier", "Synchroniser", "Changer d'onglet"):
            assert words in text, words
        assert "F5 Synchroniser" in text  # a function key as printed on the keyboard
        await pilot.press("escape")
        await pilot.pause()
        assert not app.screen.query("HelpScreen")
        await pilot.press("1", "question_mark")  # Ma demande has no keys of its own
        await settle(app, pilot)
        text = " ".join(screen_text(app).split())
        assert "Dans l'onglet" not in text and "Partout" in text and "Coordonnées" in text


async def test_the_command_palette_speaks_french_and_lists_the_apps_actions(store_of) -> None:
    app = AlinApp(store_of("complet"), session=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+p")
        await settle(app, pilot)
        assert "Chercher une commande" in screen_text(app)
        await pilot.press(*"synchro")
        await settle(app, pilot)
        await pilot.pause(0.3)
        assert "Synchroniser maintenant" in screen_text(app)


async def test_keys_can_be_remapped_and_unknown_names_are_reported(store_of) -> None:
    app = AlinApp(store_of("complet"), session=None, keymap={"search": "f2", "nope": "f3"})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2", "a", "b")
        await settle(app, pilot)
        assert app.screen.query_one(SearchInput).value == "ab"
        shown = [n.message for n in app._notifications]
        assert any("nope" in m and "Raccourcis inconnus" in m for m in shown), shown


async def test_every_text_field_in_a_dialog_leaves_with_escape(store_of) -> None:
    app = AlinApp(store_of("complet"), session=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+l")
        await settle(app, pilot)
        field = app.screen.query_one(Input)
        assert field.has_focus
        burst(app, "1", "2", "escape", "3")
        await settle(app, pilot)
        assert app.screen.query_one(TabbedContent).active == "offres"


async def test_slash_starts_a_new_search_over_the_old_one(store_of) -> None:
    app = AlinApp(store_of("complet"), session=None)
    async with app.run_test(size=(80, 24)) as pilot:
        burst(app, "slash", "t", "o", "u", "r", "s", "escape", "1", "slash", "e", "v", "r", "y")
        await settle(app, pilot)
        assert app.screen.query_one(SearchInput).value == "evry"


async def test_ctrl_u_typed_in_the_search_asks_before_sending_the_situation(store_of) -> None:
    """Ctrl+U clears a line in readline: typed by habit in the search, it must not send the
    situation to AL-in without a question. Esc cancels; Entrée confirms."""
    from alin_tui.store import outbox
    from alin_tui.ui.dialogs import ConfirmDialog

    app = AlinApp(store_of("complet"), session=None)
    async with app.run_test(size=(80, 24)) as pilot:
        burst(app, "slash", "l", "y", "o", "n", "ctrl+u")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "Mettre à jour votre situation sur AL-in" in screen_text(app)
        burst(app, "escape")
        await settle(app, pilot)
        assert not isinstance(app.screen, ConfirmDialog)
        assert [r.name for r in outbox.pending(app.conn)] == []
        burst(app, "ctrl+u", "enter")
        await settle(app, pilot)
        assert [r.name for r in outbox.pending(app.conn)] == ["situation.refresh"]


async def test_words_typed_on_after_a_question_opened_never_answer_it(store_of) -> None:
    """Ctrl+U by habit, then the next search typed and Entrée at once: the letters show the
    question was not read, so that Entrée does not confirm it."""
    from alin_tui.store import outbox
    from alin_tui.ui.dialogs import ConfirmDialog

    app = AlinApp(store_of("complet"), session=None)
    async with app.run_test(size=(80, 24)) as pilot:
        burst(app, "slash", "l", "y", "o", "n", "ctrl+u", "v", "i", "l", "l", "e", "enter")
        await settle(app, pilot)
        assert not isinstance(app.screen, ConfirmDialog)
        assert [r.name for r in outbox.pending(app.conn)] == []
        burst(app, "ctrl+u", "x")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "rien n'est fait" in " ".join(screen_text(app).split())
        burst(app, "shift+tab", "enter")  # the way the question names to do it anyway
        await settle(app, pilot)
        assert [r.name for r in outbox.pending(app.conn)] == ["situation.refresh"]


async def test_keys_are_named_in_the_users_language(store_of) -> None:
    from textual.binding import Binding

    app = AlinApp(store_of("complet"), session=None)
    async with app.run_test(size=(80, 24)):
        assert app.get_key_display(Binding("escape", "x")) == "Échap"
        assert app.get_key_display(Binding("ctrl+p", "x")) == "^p"
    english = AlinApp(store_of("complet"), session=None, lang="en")
    async with english.run_test(size=(80, 24)):
        assert english.get_key_display(Binding("escape", "x")) == "Esc"


async def test_the_palette_acts_on_the_offer_and_the_piece_under_the_cursor(store_of) -> None:
    """« Candidater : … » names the offer under the cursor in Offres and goes to that one (after
    a confirmation); « Joindre un fichier : … » names the piece under the cursor in Pièces."""
    from alin_tui.ui.dialogs import ConfirmDialog

    app = AlinApp(store_of("complet"), session=None)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("slash", *"villeurbanne", "escape", "down")  # in the demand's territory
        await settle(app, pilot)
        chosen = app.screen.query_one(OfferList).row_at_cursor()
        await pilot.press("ctrl+p", *"candidater")
        await settle(app, pilot)
        await pilot.pause(0.3)
        assert "Candidater :" in screen_text(app)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog), [n.message for n in app._notifications]
        from alin_tui.store import offers as offer_store

        assert offer_store.get(app.conn, chosen)["reference"] in screen_text(app)
        await pilot.press("escape", "2")
        await settle(app, pilot)
        await pilot.press("ctrl+p", *"joindre")
        await settle(app, pilot)
        await pilot.pause(0.3)
        assert "Joindre un fichier :" in screen_text(app)


def test_the_terminal_parser_reads_esc_then_a_key_as_two_keys_whatever_follows() -> None:
    """Bytes as a terminal sends them when Esc, a key and an arrow are typed at once (or arrive
    in one read over SSH): the app gets `alt+…` (split back into Esc and the key), then the
    arrow; cursor keys, mouse reports and a double Esc are untouched."""
    import time

    from textual._xterm_parser import XTermParser

    from alin_tui.ui.app import _esc_then_char_is_two_keys

    _esc_then_char_is_two_keys()
    parser = XTermParser()

    def keys(data: str) -> list[str]:
        tokens = list(parser.feed(data))
        time.sleep(0.15)  # past the parser's wait for the rest of a lone Esc
        tokens += list(parser.tick())
        return [getattr(t, "key", type(t).__name__) for t in tokens]

    assert keys("\x1b2\x1b[B") == ["alt+2", "down"]
    assert keys("\x1b?\x1b[B") == ["alt+question_mark", "down"]
    assert keys("\x1bf") == ["alt+f"]
    assert keys("\x1b/ly") == ["alt+slash", "l", "y"]
    assert keys("\x1b\r\x1b[B") == ["alt+enter", "down"]  # Esc then Entrée: the offer opens
    assert keys("\x1b\t") == ["alt+tab"]
    assert keys("\x1b[A\x1bOB\x1b[Z") == ["up", "down", "shift+tab"]
    assert keys("\x1b\x1b") == ["escape", "escape"]
    assert keys("\x1b[<0;10;5M") == ["MouseDown"]


async def test_esc_and_enter_read_as_one_key_leave_the_search_and_open_the_offer(store_of) -> None:
    from alin_tui.ui.offer_detail import OfferScreen

    app = AlinApp(store_of("complet"), session=None)
    async with app.run_test(size=(80, 24)) as pilot:
        burst(app, "3", "slash", "l", "y", "o", "n")
        app.post_message(events.Key("alt+enter", "\r"))  # Esc and Entrée in one read
        await settle(app, pilot)
        assert isinstance(app.screen, OfferScreen)


async def test_arrows_typed_before_the_search_answers_count_from_the_top_of_its_results(
    store_of, monkeypatch
) -> None:
    """`/`, a word, Esc, ↓ ↓ in one burst: the count of the new search comes after the arrows
    (here a slow disk holds it back), and must not send the cursor back to the top (both
    arrows were lost)."""
    import time

    from alin_tui.store import offers as offer_store

    count = offer_store.query_count

    def slow_count(*args, **kwargs):
        time.sleep(0.3)
        return count(*args, **kwargs)

    app = AlinApp(store_of("complet"), session=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        monkeypatch.setattr(offer_store, "query_count", slow_count)
        burst(app, "3", "slash", "l", "escape", "down", "down")
        await settle(app, pilot)
        offers = app.screen.query_one(OfferList)
        assert offers.source.total > 2 and offers.cursor == 2
        assert app.screen.query_one(SearchInput).value == "l"


async def test_down_and_page_down_in_the_search_go_to_the_results(store_of) -> None:
    """↓ typed in the search reads the results, as Esc then ↓ would: no arrow is lost."""
    app = AlinApp(store_of("complet"), session=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        burst(app, "3", "slash", "l", "y", "o", "n", "down", "down")
        await settle(app, pilot)
        offers = app.screen.query_one(OfferList)
        assert app.focused is offers and offers.cursor == 2
        assert app.screen.query_one(SearchInput).value == "lyon"
        burst(app, "slash", "pagedown")
        await settle(app, pilot)
        assert app.focused is offers and offers.cursor > 2
