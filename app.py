"""PulsePal's chat app: `chainlit run app.py`. Wiring only; what each hook does lives in pulsepal/web/chat.py.

Start-up order matters: the bind check and the auth secret must be in place before Chainlit checks for the secret
(right after it loads this module), our HTTP routes must be slotted in front of Chainlit's catch-all route, and
the input guard (bad input is a 4xx, never a 500) and, around it, the security middleware must be added before
the server starts, in that order (the last added runs first: the guard only sees capped, authenticated requests).
"""

import chainlit as cl
from chainlit.config import config

from pulsepal.dependencies import get_session_manager
from pulsepal.settings import get_settings
from pulsepal.web import auth, chat, history_commands, input_guard, server
from pulsepal.web.datalayer import PulsePalDataLayer

server.configure_or_exit(config.run.host)
server.install_routes()
input_guard.install(server.chainlit_app(), root_path=config.run.root_path)
server.install_security(config.run.host, root_path=config.run.root_path)


@cl.data_layer
def _data_layer():
    return PulsePalDataLayer(get_session_manager)


if get_settings().auth_mode == "password":

    @cl.password_auth_callback
    async def _password_login(username: str, password: str):
        return await auth.password_login(username, password)

else:  # local (grants the single local user) and proxy (trusts the proxy's header)

    @cl.header_auth_callback
    async def _header_login(headers):
        return await auth.header_login(headers)


@cl.on_app_startup
async def _startup():
    await chat.app_startup()
    server.announce(config.run)


@cl.on_app_shutdown
async def _shutdown():
    await chat.app_shutdown()


@cl.on_chat_start
async def _chat_start():
    await chat.chat_start()


@cl.on_chat_resume
async def _chat_resume(thread):
    await chat.chat_resume(thread)


@cl.on_message
async def _message(message: cl.Message):
    await chat.message(message)


@cl.on_settings_update
async def _settings_update(values):
    await chat.settings_update(values)


@cl.on_chat_end
async def _chat_end():
    await chat.chat_end()


@cl.action_callback("download")
async def _download(action: cl.Action):
    await chat.download_action(action)


@cl.action_callback(history_commands.CONFIRM_ACTION)
async def _delete_all(action: cl.Action):
    await chat.delete_all_action(action)


@cl.action_callback(history_commands.CANCEL_ACTION)
async def _keep_all(action: cl.Action):
    await history_commands.cancel_delete_all(action)


@cl.on_shared_thread_view
async def _shared_thread_view(thread, viewer):
    return await history_commands.shared_thread_view(thread, viewer)


@cl.set_starters
async def _starters(user=None, language=None):
    return await chat.starters(user, language)
