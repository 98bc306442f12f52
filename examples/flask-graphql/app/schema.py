"""GraphQL schema of Pastebox (graphene 2)."""
import os

import graphene
from graphql import GraphQLError

import auth
import store

FIXED = os.environ.get("APP_MODE", "vulnerable") == "fixed"
ROLES = ("user", "moderator", "admin")


def viewer(info):
    return info.context.get("user")


def require_login(info):
    user = viewer(info)
    if user is None:
        raise GraphQLError("Authentication required")
    return user


def may_see_private(info, owner_id):
    """Contact details and credentials are for the account owner (and admins)."""
    if not FIXED:
        return True
    user = viewer(info)
    return user is not None and (user["id"] == owner_id or user["role"] == "admin")


def mask_card(number):
    return "****" + number[-4:] if number else None


class User(graphene.ObjectType):
    id = graphene.ID()
    username = graphene.String()
    bio = graphene.String()
    role = graphene.String()
    plan = graphene.String()
    created_at = graphene.String()
    email = graphene.String()
    phone = graphene.String()
    last_login_ip = graphene.String()
    api_key = graphene.String(description="Key for the pastebox CLI")
    card = graphene.String(description="Card on file, masked")
    pastes = graphene.List(lambda: Paste)

    def resolve_email(self, info):
        return self["email"] if may_see_private(info, self["id"]) else None

    def resolve_phone(self, info):
        return self["phone"] if may_see_private(info, self["id"]) else None

    def resolve_last_login_ip(self, info):
        return self["last_login_ip"] if may_see_private(info, self["id"]) else None

    def resolve_api_key(self, info):
        if FIXED:
            user = viewer(info)
            return self["api_key"] if user is not None and user["id"] == self["id"] else None
        return self["api_key"]

    def resolve_card(self, info):
        user = viewer(info)
        if user is not None and user["id"] == self["id"]:
            return mask_card(self.get("card_number"))
        return None

    def resolve_pastes(self, info):
        user = viewer(info)
        own = user is not None and user["id"] == self["id"]
        return [p for p in store.PASTES.values() if p["owner_id"] == self["id"] and (p["public"] or own)]


class Paste(graphene.ObjectType):
    id = graphene.ID()
    title = graphene.String()
    content = graphene.String()
    public = graphene.Boolean()
    created_at = graphene.String()
    updated_at = graphene.String()
    owner = graphene.Field(User)
    ip_addr = graphene.String(description="Address the paste was submitted from")
    user_agent = graphene.String()

    def resolve_owner(self, info):
        return store.USERS.get(self["owner_id"])

    def resolve_ip_addr(self, info):
        return self["ip_addr"] if may_see_private(info, self["owner_id"]) else None

    def resolve_user_agent(self, info):
        return self["user_agent"] if may_see_private(info, self["owner_id"]) else None


class StaffMember(graphene.ObjectType):
    display_name = graphene.String()
    role = graphene.String()
    contact_email = graphene.String()
    timezone = graphene.String()


class Plan(graphene.ObjectType):
    code = graphene.String()
    name = graphene.String()
    price_usd = graphene.Int()
    max_private_pastes = graphene.Int()


def _load_paste(id):
    try:
        pid = int(id)
    except (TypeError, ValueError):
        if FIXED:
            raise GraphQLError("Paste not found")
        raise
    paste = store.PASTES.get(pid)
    if paste is None:
        raise GraphQLError("Paste not found")
    return paste


class Query(graphene.ObjectType):
    me = graphene.Field(User)
    user = graphene.Field(User, username=graphene.String(required=True))
    users = graphene.List(User)
    paste = graphene.Field(Paste, id=graphene.ID(required=True))
    pastes = graphene.List(Paste, limit=graphene.Int(default_value=20))
    my_pastes = graphene.List(Paste)
    staff = graphene.List(StaffMember)
    plans = graphene.List(Plan)

    def resolve_me(self, info):
        return require_login(info)

    def resolve_user(self, info, username):
        return store.user_by_name(username)

    def resolve_users(self, info):
        if FIXED:
            user = require_login(info)
            if user["role"] != "admin":
                raise GraphQLError("Forbidden")
        return sorted(store.USERS.values(), key=lambda u: u["id"])

    def resolve_paste(self, info, id):
        paste = _load_paste(id)
        if FIXED and not paste["public"]:
            user = viewer(info)
            if user is None or (user["id"] != paste["owner_id"] and user["role"] != "admin"):
                raise GraphQLError("Paste not found")
        return paste

    def resolve_pastes(self, info, limit):
        limit = max(0, min(limit or 20, 100))
        public = [p for p in store.PASTES.values() if p["public"]]
        return sorted(public, key=lambda p: -p["id"])[:limit]

    def resolve_my_pastes(self, info):
        user = require_login(info)
        return [p for p in store.PASTES.values() if p["owner_id"] == user["id"]]

    def resolve_staff(self, info):
        return store.STAFF

    def resolve_plans(self, info):
        return store.PLANS


class SignUp(graphene.Mutation):
    class Arguments:
        username = graphene.String(required=True)
        password = graphene.String(required=True)
        email = graphene.String(required=True)
        role = graphene.String(description="Defaults to user")

    user = graphene.Field(User)
    token = graphene.String()

    def mutate(self, info, username, password, email, role=None):
        if store.user_by_name(username):
            raise GraphQLError("Username already taken")
        if len(password) < 8:
            raise GraphQLError("Password must be at least 8 characters")
        if FIXED:
            role = "user"  # chosen by the server, never by the client
        elif role not in ROLES:
            role = "user"
        user = store.add_user(username, password, email, role=role, last_login_ip=info.context["ip"])
        info.context["user"] = user
        return SignUp(user=user, token=auth.issue_token(user, info.context["ip"]))


class Login(graphene.Mutation):
    class Arguments:
        username = graphene.String(required=True)
        password = graphene.String(required=True)

    token = graphene.String()
    user = graphene.Field(User)

    def mutate(self, info, username, password):
        limiter = info.context["login_limiter"]
        limiter.before_attempt(username)
        user = store.user_by_name(username)
        if user is None or user["disabled"]:
            limiter.failed(username)
            raise GraphQLError("Invalid username or password" if FIXED else "No account with username '%s'" % username)
        if not store.check_password(password, user["password_hash"]):
            limiter.failed(username)
            raise GraphQLError("Invalid username or password" if FIXED else "Incorrect password for '%s'" % username)
        return Login(token=auth.issue_token(user, info.context["ip"]), user=user)


class CreatePaste(graphene.Mutation):
    class Arguments:
        title = graphene.String(required=True)
        content = graphene.String(required=True)
        public = graphene.Boolean(default_value=False)

    paste = graphene.Field(Paste)

    def mutate(self, info, title, content, public):
        user = require_login(info)
        paste = store.add_paste(user, title, content, public, info.context["ip"], info.context["user_agent"])
        return CreatePaste(paste=paste)


class EditPaste(graphene.Mutation):
    class Arguments:
        id = graphene.ID(required=True)
        title = graphene.String()
        content = graphene.String()
        public = graphene.Boolean()

    paste = graphene.Field(Paste)

    def mutate(self, info, id, title=None, content=None, public=None):
        user = require_login(info)
        paste = _load_paste(id)
        if FIXED and paste["owner_id"] != user["id"]:
            raise GraphQLError("Paste not found")
        for key, value in (("title", title), ("content", content), ("public", public)):
            if value is not None:
                paste[key] = value
        paste["updated_at"] = store.now_iso()
        return EditPaste(paste=paste)


class DeletePaste(graphene.Mutation):
    class Arguments:
        id = graphene.ID(required=True)

    ok = graphene.Boolean()

    def mutate(self, info, id):
        user = require_login(info)
        paste = _load_paste(id)
        if paste["owner_id"] != user["id"] and user["role"] != "admin":
            raise GraphQLError("Only the owner can delete a paste")
        store.PASTES.pop(paste["id"], None)
        return DeletePaste(ok=True)


class SetUserRole(graphene.Mutation):
    """Admin tool: promote or demote an account."""

    class Arguments:
        username = graphene.String(required=True)
        role = graphene.String(required=True)

    user = graphene.Field(User)

    def mutate(self, info, username, role):
        caller = require_login(info)
        if FIXED and caller["role"] != "admin":
            raise GraphQLError("Forbidden")
        if role not in ROLES:
            raise GraphQLError("Unknown role")
        target = store.user_by_name(username)
        if target is None:
            raise GraphQLError("User not found")
        target["role"] = role
        return SetUserRole(user=target)


class Mutation(graphene.ObjectType):
    sign_up = SignUp.Field()
    login = Login.Field()
    create_paste = CreatePaste.Field()
    edit_paste = EditPaste.Field()
    delete_paste = DeletePaste.Field()
    set_user_role = SetUserRole.Field()


schema = graphene.Schema(query=Query, mutation=Mutation)
