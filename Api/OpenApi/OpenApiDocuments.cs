using System.Text.Json;
using System.Text.Json.Nodes;
using JsonApiInvites.Api.Invitations;
using JsonApiInvites.Api.JsonApi;
using JsonApiInvites.Api.Memberships;
using JsonApiInvites.Api.Organizations;
using JsonApiInvites.Api.Paging;
using JsonApiInvites.Api.Roles;
using JsonApiInvites.Api.Versioning;
using JsonApiInvites.Domain.Invitations;
using JsonApiInvites.Domain.Organizations;

namespace JsonApiInvites.Api.OpenApi;

/// <summary>
/// Builds the OpenAPI 3.1 document of one declared version from the same tables the server runs on (the
/// <c>site_invitation</c> contracts, the declared versions, the resource field lists). The documents are committed
/// under <c>openapi/</c> (<c>dotnet run --project Api -- openapi write</c>), embedded in the server, and served at
/// <c>GET /openapi/{version}.json</c>; the tests check that the committed files are current and that every response
/// the server gives validates against them.
/// </summary>
public static class OpenApiDocuments
{
    public const string ResourcePrefix = "openapi/";
    private const string JsonApi = JsonApiMediaType.Value;
    private static readonly string VersionPattern = ApiVersionName.Pattern;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JsonApiSerializer.Options.Encoder };

    /// <summary>The file name of a version's document, e.g. <c>2024-10-15~beta.json</c>.</summary>
    public static string FileName(ApiVersionName version) => $"{version}.json";

    /// <summary>The document text as committed: indented, LF line ends, a final newline.</summary>
    public static string Write(ApiVersionName version) => Build(version).ToJsonString(Indented).ReplaceLineEndings("\n") + "\n";

    /// <summary>The committed document of a declared version, as embedded in the server at build time; null if missing.</summary>
    public static string? ReadEmbedded(ApiVersionName version)
    {
        using var stream = typeof(OpenApiDocuments).Assembly.GetManifestResourceStream(ResourcePrefix + FileName(version));
        if (stream is null)
        {
            return null;
        }

        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public static JsonObject Build(ApiVersionName version)
    {
        var contract = InvitationContracts.For(version);
        var beta = VersionOf(nameof(InvitationsController.Update));
        var hasWrites = version >= beta;
        var memberships = version >= MembershipResources.IntroducedIn;
        JsonObject[] fields = memberships ? [.. Fields(), FieldsOf(MembershipResources.Type)] : Fields();
        var paths = new JsonObject
        {
            ["/orgs/{org_id}"] = new JsonObject
            {
                ["get"] = Operation("getOrganization", "The token's organization.", [OrgId, .. fields], Ok("organization_document"), [Permissions.OrgRead]),
            },
            ["/orgs/{org_id}/invites"] = new JsonObject
            {
                ["get"] = Operation(
                    "listInvitations",
                    contract.VisibleStatuses.Count == 4 ? "The organization's invitations of every status, oldest first." : "The organization's pending and expired invitations, oldest first.",
                    [OrgId, Include, .. fields, Limit, Cursor(Pagination.StartingAfter), Cursor(Pagination.EndingBefore), .. Filters(contract, memberships)],
                    Ok("site_invitation_collection_document"),
                    [Permissions.OrgRead, Permissions.OrgUserRead]),
                ["post"] = Operation(
                    "createInvitation",
                    "Invites an email address into a role of the organization.",
                    [OrgId, Include, .. fields],
                    new JsonObject
                    {
                        ["201"] = Response("Created.", "site_invitation_document", location: true),
                        ["409"] = Error("A pending invitation for this email exists (already_exists)."),
                        ["422"] = Error("A value breaks a rule (invalid_value)."),
                    },
                    [Permissions.OrgUserInvite],
                    body: "site_invitation_create_request"),
            },
            ["/orgs/{org_id}/invites/{invite_id}"] = InvitationItem(hasWrites, fields),
            ["/orgs/{org_id}/invites/{invite_id}/relationships/role"] = Get("getInvitationRoleRelationship", "The invitation's role linkage.", [OrgId, InviteId], "role_linkage_document", Permissions.OrgRead, Permissions.OrgUserRead),
            ["/orgs/{org_id}/invites/{invite_id}/role"] = Get("getInvitationRole", "The invitation's role.", [OrgId, InviteId, .. fields], "role_document", Permissions.OrgRead, Permissions.OrgUserRead),
            ["/orgs/{org_id}/invites/{invite_id}/relationships/organization"] = Get("getInvitationOrganizationRelationship", "The invitation's organization linkage.", [OrgId, InviteId], "organization_linkage_document", Permissions.OrgRead, Permissions.OrgUserRead),
            ["/orgs/{org_id}/invites/{invite_id}/organization"] = Get("getInvitationOrganization", "The invitation's organization.", [OrgId, InviteId, .. fields], "organization_document", Permissions.OrgRead, Permissions.OrgUserRead),
        };

        if (hasWrites)
        {
            paths["/orgs/{org_id}/invites/{invite_id}/relationships/role"]!["patch"] = Operation(
                "updateInvitationRoleRelationship",
                "Changes the invitation's role through its relationship link.",
                [OrgId, InviteId],
                new JsonObject
                {
                    ["200"] = Response("The new linkage.", "role_linkage_document"),
                    ["409"] = Error("The type is not role (type_mismatch), or the invitation is accepted or cancelled (invalid_state)."),
                    ["422"] = Error("The linkage is null: an invitation always has a role (invalid_value)."),
                },
                [Permissions.OrgUserInvite],
                body: "role_linkage_request");
            paths["/orgs/{org_id}/invites/{invite_id}/resend"] = new JsonObject
            {
                ["post"] = Operation(
                    "resendInvitation",
                    "Sends the invitation again and renews its expiry. Takes no request body.",
                    [OrgId, InviteId, Include, .. fields],
                    new JsonObject
                    {
                        ["202"] = Response("Accepted: the email is on its way.", "site_invitation_document"),
                        ["409"] = Error("The invitation is accepted or cancelled (invalid_state), or reviving it would duplicate a pending one (already_exists)."),
                    },
                    [Permissions.OrgUserInvite]),
            };
        }

        if (memberships)
        {
            AddMemberships(paths, fields);
        }

        paths["/orgs/{org_id}/roles"] = Get("listRoles", "The organization's roles, all of them, by rank.", [OrgId, Include, .. fields], "role_collection_document", Permissions.OrgRead);
        paths["/orgs/{org_id}/roles/{role_id}"] = Get("getRole", "One role.", [OrgId, RoleId, Include, .. fields], "role_document", Permissions.OrgRead);
        paths["/orgs/{org_id}/roles/{role_id}/relationships/organization"] = Get("getRoleOrganizationRelationship", "The role's organization linkage.", [OrgId, RoleId], "organization_linkage_document", Permissions.OrgRead);
        paths["/orgs/{org_id}/roles/{role_id}/organization"] = Get("getRoleOrganization", "The role's organization.", [OrgId, RoleId, .. fields], "organization_document", Permissions.OrgRead);

        paths["/openapi/{version}.json"] = new JsonObject
        {
            ["get"] = new JsonObject
            {
                ["operationId"] = "getOpenApiDocument",
                ["summary"] = "The OpenAPI document of the version this path's version resolves to (as ?version= would).",
                ["security"] = new JsonArray(),
                ["parameters"] = new JsonArray(new JsonObject
                {
                    ["name"] = "version",
                    ["in"] = "path",
                    ["required"] = true,
                    ["schema"] = new JsonObject { ["type"] = "string", ["pattern"] = VersionPattern },
                }),
                ["responses"] = new JsonObject
                {
                    ["200"] = new JsonObject { ["description"] = "The document.", ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "object" } } } },
                    ["400"] = Error("Not a valid version, or dated after tomorrow."),
                    ["404"] = Error("No declared version matches."),
                },
            },
        };
        paths[Health.HealthEndpoints.Live] = HealthOperation(
            "getLiveness", "Liveness: the process serves (no dependency is checked); not versioned, not JSON:API.", "The process serves.", unhealthy: null);
        paths[Health.HealthEndpoints.Ready] = HealthOperation(
            "getReadiness",
            "Readiness: the database answers (and the rate-limit store, where one is configured: 'degraded' without it); not versioned, not JSON:API.",
            "Ready: every check is healthy, or some are degraded (the server still serves).",
            unhealthy: "Not ready: the database does not answer.");
        paths[Health.HealthEndpoints.Alias] = HealthOperation(
            "getHealth", "The same as /healthz/ready.", "Ready.", unhealthy: "Not ready.");
        if (memberships)
        {
            paths[Invitees.AcceptPageEndpoints.Path] = AcceptPageOperation();
        }

        return new JsonObject
        {
            ["openapi"] = "3.1.0",
            ["info"] = new JsonObject
            {
                ["title"] = "JsonApiInvites",
                ["version"] = version.ToString(),
                ["description"] = "Invitations to join an organization with a role, over JSON:API 1.1. Every operation takes ?version= "
                    + "(a date, optionally ~beta etc.); this document describes the version " + version + ". Resource schemas describe full "
                    + "representations: with sparse fieldsets (fields[TYPE]) members may be omitted.",
                ["license"] = new JsonObject { ["name"] = "Proprietary: all rights reserved by the JsonApiInvites team", ["identifier"] = "LicenseRef-Proprietary" },
            },
            ["servers"] = new JsonArray(new JsonObject
            {
                ["url"] = "/",
                ["description"] = "The server that serves this document: every deployment serves the same paths at its own address.",
            }),
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["schemas"] = Schemas(contract, hasWrites, memberships),
                ["parameters"] = new JsonObject(
                    ((JsonNode[])[
                        Version(), OrgId, InviteId, RoleId, memberships ? IncludeWithMemberships : Include, .. fields, Limit, Cursor(Pagination.StartingAfter), Cursor(Pagination.EndingBefore),
                        .. Filters(contract, memberships), .. (memberships ? (JsonNode[])[MembershipId, RoleFilter] : []),
                    ])
                        .Select(p => KeyValuePair.Create<string, JsonNode?>(ParameterKey(p), p.DeepClone()))),
                ["responses"] = new JsonObject(CommonErrors.Select(e => KeyValuePair.Create<string, JsonNode?>("error_" + e.Status, Error(e.Description)))),
                ["headers"] = Headers(),
                ["securitySchemes"] = SecuritySchemes(memberships),
            },
        };
    }

    /// <summary>The invitee's accept page (HTML, from 2026-11-25): documented so a client sees where the email's link goes.</summary>
    private static JsonObject AcceptPageOperation() => new()
    {
        ["get"] = new JsonObject
        {
            ["operationId"] = "getAcceptPage",
            ["summary"] = "The invitee's accept page (HTML; not versioned, not JSON:API): the default target of the invitation email's link. "
                + "It shows the invitation and accepts it through GET /invitation and POST /memberships with the token as 'Authorization: Invitation <token>'.",
            ["security"] = new JsonArray(),
            ["parameters"] = new JsonArray(new JsonObject
            {
                ["name"] = "token",
                ["in"] = "query",
                ["required"] = false,
                ["description"] = "The accept token of the email's link. The page moves it out of the address bar at once.",
                ["schema"] = new JsonObject { ["type"] = "string" },
            }),
            ["responses"] = new JsonObject
            {
                ["200"] = new JsonObject
                {
                    ["description"] = "The page (the invitation's details and its state are loaded by the page's script).",
                    ["content"] = new JsonObject { ["text/html"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "string" } } },
                },
            },
        },
    };

    private static JsonObject HealthOperation(string operationId, string summary, string healthy, string? unhealthy)
    {
        var check = Object(new JsonObject { ["status"] = Enum("healthy", "degraded", "unhealthy"), ["description"] = String() }, "status");
        var body = Object(
            new JsonObject
            {
                ["status"] = Enum("healthy", "degraded", "unhealthy"),
                ["checks"] = new JsonObject { ["type"] = "object", ["additionalProperties"] = check },
            },
            "status",
            "checks");
        JsonObject Response(string description) => new()
        {
            ["description"] = description,
            ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = body.DeepClone() } },
        };

        var responses = new JsonObject { ["200"] = Response(healthy) };
        if (unhealthy is not null)
        {
            responses["503"] = Response(unhealthy);
        }

        return new JsonObject { ["get"] = new JsonObject { ["operationId"] = operationId, ["summary"] = summary, ["security"] = new JsonArray(), ["responses"] = responses } };
    }

    private static ApiVersionName VersionOf(string action) =>
        typeof(InvitationsController).GetMethod(action)!.GetCustomAttributes(typeof(IntroducedInAttribute), false).Cast<IntroducedInAttribute>().Single().Version;

    private static JsonObject InvitationItem(bool hasWrites, JsonObject[] fields)
    {
        var item = new JsonObject
        {
            ["get"] = Operation("getInvitation", "One invitation.", [OrgId, InviteId, Include, .. fields], Ok("site_invitation_document"), [Permissions.OrgRead, Permissions.OrgUserRead]),
        };
        if (hasWrites)
        {
            item["patch"] = Operation(
                "updateInvitation",
                "Changes the invitation's role; attributes are read-only.",
                [OrgId, InviteId, Include, .. fields],
                new JsonObject
                {
                    ["200"] = Response("The updated invitation.", "site_invitation_document"),
                    ["409"] = Error("The id or type does not match the URL (id_mismatch, type_mismatch), or the invitation is accepted or cancelled (invalid_state)."),
                    ["422"] = Error("A value breaks a rule (invalid_value)."),
                },
                [Permissions.OrgUserInvite],
                body: "site_invitation_update_request");
        }

        item["delete"] = Operation(
            "cancelInvitation",
            "Cancels the invitation; it stays, with status cancelled. A second cancel is a 404.",
            [OrgId, InviteId],
            new JsonObject
            {
                ["204"] = new JsonObject { ["description"] = "Cancelled.", ["headers"] = VersionHeaders() },
                ["409"] = Error("The invitation was accepted (invalid_state)."),
            },
            [Permissions.OrgUserInvite]);
        return item;
    }

    private static JsonObject Get(string id, string summary, JsonNode[] parameters, string schema, params string[] permissions) =>
        new() { ["get"] = Operation(id, summary, parameters, Ok(schema), permissions) };

    private static JsonObject Ok(string schema) => new() { ["200"] = Response("OK.", schema) };

    /// <param name="invitee">An invitee route: under the invitation credential instead of an API token.</param>
    private static JsonObject Operation(string id, string summary, JsonNode[] parameters, JsonObject responses, string[] permissions, string? body = null, bool invitee = false)
    {
        var all = new JsonObject();
        foreach (var (status, response) in responses)
        {
            all[status] = response!.DeepClone();
        }

        foreach (var (status, _) in CommonErrors)
        {
            all[status] ??= new JsonObject { ["$ref"] = "#/components/responses/error_" + status };
        }

        var operation = new JsonObject
        {
            ["operationId"] = id,
            ["summary"] = summary,
            ["description"] = invitee
                ? "Needs the invitation's credential: 'Authorization: Invitation <token>', the token of the invitation email's link."
                : $"Needs a token with {string.Join(" and ", permissions)}.",
            ["parameters"] = new JsonArray([ParameterRef(Version()), .. parameters.Select(ParameterRef)]),
        };
        if (body is not null)
        {
            operation["requestBody"] = new JsonObject { ["required"] = true, ["content"] = Content(body) };
        }

        operation["responses"] = new JsonObject(all.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => KeyValuePair.Create(r.Key, r.Value?.DeepClone())));
        operation["security"] = new JsonArray(new JsonObject { [invitee ? "invitation" : "token"] = new JsonArray() });
        return operation;
    }

    private static readonly (string Status, string Description)[] CommonErrors =
    [
        ("400", "A malformed request: version (missing_version, invalid_version, version_in_future), query parameters (invalid_query_parameter) or request document (malformed_json, invalid_document)."),
        ("401", "No token, or an unknown one (unauthorized)."),
        ("403", "The token lacks a permission the operation needs (forbidden), may not grant the role (role_not_grantable), or the request writes a read-only field (read_only)."),
        ("404", "No such resource in the token's organization (not_found), or no version of the operation matches (version_not_found)."),
        ("406", "Every JSON:API media type in Accept has parameters other than ext and profile (not_acceptable)."),
        ("413", "The request body is over 1 MiB (payload_too_large)."),
        ("415", "The request Content-Type is not application/vnd.api+json, optionally with profile (unsupported_media_type)."),
        ("429", "Over the rate limit of the token (or of the client IP without one): retry after Retry-After seconds (rate_limited)."),
        ("500", "An unexpected failure; the error id is in the server log (internal_error)."),
        ("503", "The database cannot take the request now: unreachable, disk full or read-only (storage_unavailable). Nothing was written; retry after Retry-After seconds."),
    ];

    private static JsonObject Response(string description, string schema, bool location = false)
    {
        var headers = VersionHeaders();
        if (location)
        {
            headers["Location"] = new JsonObject { ["description"] = "The created resource: equal to data.links.self.", ["required"] = true, ["schema"] = new JsonObject { ["type"] = "string" } };
        }

        return new JsonObject { ["description"] = description, ["headers"] = headers, ["content"] = Content(schema) };
    }

    private static JsonObject Error(string description) =>
        new() { ["description"] = description, ["headers"] = VersionHeaders(), ["content"] = Content("error_document") };

    private static JsonObject Content(string schema) => new() { [JsonApi] = new JsonObject { ["schema"] = Ref(schema) } };

    private static readonly string[] VersionHeaderNames =
        ["api-version-requested", "api-version-served", "api-version-lifecycle-stage", "Deprecation", "Sunset", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"];

    private static JsonObject VersionHeaders() => new(
        VersionHeaderNames
            .Select(h => KeyValuePair.Create<string, JsonNode?>(h, new JsonObject { ["$ref"] = "#/components/headers/" + h })));

    private static JsonObject Headers()
    {
        JsonObject Header(string description, bool required, JsonObject schema) =>
            new() { ["description"] = description, ["required"] = required, ["schema"] = schema };

        return new JsonObject
        {
            ["api-version-requested"] = Header("The requested version, normalized. Absent when the version parameter itself is in error.", false, new JsonObject { ["type"] = "string" }),
            ["api-version-served"] = Header("The declared version that served the request.", false, new JsonObject { ["type"] = "string" }),
            ["api-version-lifecycle-stage"] = Header("Where the served version stands.", false, Enum("wip", "experimental", "beta", "ga", "deprecated", "sunset")),
            ["Deprecation"] = Header("RFC 9745: when the served version was superseded, as @<unix seconds>. Only on deprecated versions.", false, new JsonObject { ["type"] = "string", ["pattern"] = "^@[0-9]+$" }),
            ["Sunset"] = Header("RFC 8594: the HTTP-date after which the served version may be removed. Only on deprecated versions.", false, new JsonObject { ["type"] = "string" }),
            ["X-RateLimit-Limit"] = Header("Requests allowed per window for this token (or client IP without one).", true, new JsonObject { ["type"] = "integer" }),
            ["X-RateLimit-Remaining"] = Header("Requests left in the current window.", true, new JsonObject { ["type"] = "integer" }),
            ["X-RateLimit-Reset"] = Header("Seconds until the current window ends and the limit resets.", true, new JsonObject { ["type"] = "integer" }),
        };
    }

    /// <summary><c>fields[role]</c> → <c>fields_role</c>: the parameter's key under <c>components/parameters</c>.</summary>
    private static string ParameterKey(JsonNode parameter) =>
        parameter["name"]!.GetValue<string>().Replace("[", "_", StringComparison.Ordinal).Replace("]", "", StringComparison.Ordinal);

    private static JsonObject ParameterRef(JsonNode parameter) => new() { ["$ref"] = "#/components/parameters/" + ParameterKey(parameter) };

    private static JsonObject Version() => new()
    {
        ["name"] = "version",
        ["in"] = "query",
        ["required"] = true,
        ["description"] = "The API version: a date (YYYY-MM-DD) optionally with ~wip, ~experimental or ~beta, or one of those stabilities alone for today.",
        ["schema"] = new JsonObject { ["type"] = "string", ["pattern"] = VersionPattern },
    };

    private static JsonObject PathId(string name, string description) => new()
    {
        ["name"] = name,
        ["in"] = "path",
        ["required"] = true,
        ["description"] = description,
        ["schema"] = new JsonObject { ["type"] = "string", ["format"] = "uuid" },
    };

    private static readonly JsonObject OrgId = PathId("org_id", "The organization: the token's own.");
    private static readonly JsonObject InviteId = PathId("invite_id", "The invitation.");
    private static readonly JsonObject RoleId = PathId("role_id", "The role.");

    private static JsonObject Query(string name, string description, JsonObject schema) =>
        new() { ["name"] = name, ["in"] = "query", ["required"] = false, ["description"] = description, ["schema"] = schema };

    private static readonly JsonObject Include = Query("include", "Related resources to include: 'role' where the operation returns invitations; nothing else.", new JsonObject { ["type"] = "string" });

    private static readonly JsonObject Limit = Query("limit", "Page size: 10 to 100, a multiple of 10.", new JsonObject
    {
        ["type"] = "integer",
        ["minimum"] = 10,
        ["maximum"] = 100,
        ["multipleOf"] = 10,
        ["default"] = Pagination.DefaultLimit,
    });

    private static JsonObject Cursor(string name) =>
        Query(name, "An opaque cursor from a pagination link. Not together with the other cursor.", new JsonObject { ["type"] = "string", ["pattern"] = "^v1\\." });

    private static JsonObject[] Fields() =>
    [
        FieldsOf(InvitationResources.Type),
        FieldsOf(RoleResources.Type),
        FieldsOf(OrganizationResources.Type),
    ];

    private static JsonObject FieldsOf(string type) =>
        Query($"fields[{type}]", $"Sparse fieldset: a comma-separated list of {type} fields to show.", new JsonObject { ["type"] = "string" });

    private static JsonObject[] Filters(InvitationContract contract, bool memberships) =>
    [
        .. contract.Filters.Select(f => f == InvitationContracts.StatusFilter
            ? Query(f, "Only invitations of these statuses (comma-separated).", new JsonObject { ["type"] = "string" })
            : EmailFilter(memberships)),
    ];

    private static JsonObject EmailFilter(bool memberships) => Query(
        InvitationContracts.EmailFilter,
        memberships ? "Only invitations to (or members of) this email (trimmed, any letter case)." : "Only invitations to this email (trimmed, any letter case).",
        new JsonObject { ["type"] = "string" });

    private static readonly JsonObject IncludeWithMemberships = Query(
        "include",
        "Related resources to include: 'role' where the operation returns invitations or members; 'role' and 'organization' on GET /invitation; nothing else.",
        new JsonObject { ["type"] = "string" });

    private static readonly JsonObject MembershipId = PathId("membership_id", "The membership.");

    private static readonly JsonObject RoleFilter = Query(MembershipResources.RoleFilter, "Only members of these roles (role ids, comma-separated).", new JsonObject { ["type"] = "string" });

    private static JsonObject SecuritySchemes(bool memberships)
    {
        var schemes = new JsonObject
        {
            ["token"] = new JsonObject
            {
                ["type"] = "http",
                ["scheme"] = "bearer",
                ["description"] = "A token from 'tokens create'; 'Authorization: token <token>' works too.",
            },
        };
        if (memberships)
        {
            schemes["invitation"] = new JsonObject
            {
                ["type"] = "apiKey",
                ["in"] = "header",
                ["name"] = "Authorization",
                ["description"] = "The invitee's credential: 'Invitation <token>', with the token of the invitation email's link. It opens that one invitation and nothing else.",
            };
        }

        return schemes;
    }

    private static JsonObject Ref(string schema) => new() { ["$ref"] = "#/components/schemas/" + schema };

    private static JsonObject Enum(params string[] values) => new() { ["type"] = "string", ["enum"] = new JsonArray([.. values.Select(v => (JsonNode)v)]) };

    private static JsonObject Object(JsonObject properties, params string[] required) => new()
    {
        ["type"] = "object",
        ["properties"] = properties,
        ["required"] = new JsonArray([.. required.Select(r => (JsonNode)r)]),
        ["additionalProperties"] = false,
    };

    private static JsonObject Const(string value) => new() { ["type"] = "string", ["const"] = value };

    private static JsonObject String(string? format = null) =>
        format is null ? new JsonObject { ["type"] = "string" } : new JsonObject { ["type"] = "string", ["format"] = format };

    private static JsonObject Schemas(InvitationContract contract, bool hasWrites, bool memberships)
    {
        var schemas = new JsonObject
        {
            ["jsonapi"] = Object(new JsonObject { ["version"] = Const("1.1") }, "version"),
            ["top_links"] = Object(
                new JsonObject { ["self"] = String(), ["first"] = String(), ["prev"] = String(), ["next"] = String() },
                "self"),
            ["resource_links"] = Object(new JsonObject { ["self"] = String() }, "self"),
            ["relationship_links"] = Object(new JsonObject { ["self"] = String(), ["related"] = String() }, "self", "related"),
            ["role_identifier"] = Identifier(RoleResources.Type),
            ["organization_identifier"] = Identifier(OrganizationResources.Type),
            ["role_relationship"] = Object(new JsonObject { ["links"] = Ref("relationship_links"), ["data"] = Ref("role_identifier") }, "links", "data"),
            ["organization_relationship"] = Object(new JsonObject { ["links"] = Ref("relationship_links"), ["data"] = Ref("organization_identifier") }, "links", "data"),
            ["site_invitation"] = Resource(
                InvitationResources.Type,
                Object(new JsonObject(contract.Attributes.Select(a => KeyValuePair.Create<string, JsonNode?>(a.Name, AttributeSchema(a.Kind)))), [.. contract.Attributes.Select(a => a.Name)]),
                InvitationRelationships(contract)),
            ["role"] = Resource(
                RoleResources.Type,
                Object(
                    new JsonObject
                    {
                        ["key"] = Enum([.. DefaultRoles.All.Select(r => r.Key)]),
                        ["name"] = String(),
                        ["permissions"] = new JsonObject { ["type"] = "array", ["items"] = Enum([.. Permissions.All]) },
                    },
                    "key",
                    "name",
                    "permissions"),
                Object(new JsonObject { ["organization"] = Ref("organization_relationship") }, "organization")),
            ["organization"] = Resource(
                OrganizationResources.Type,
                Object(new JsonObject { ["name"] = String(), ["slug"] = String() }, "name", "slug"),
                relationships: null),
            ["site_invitation_document"] = Document(Ref("site_invitation"), Ref("role")),
            ["site_invitation_collection_document"] = Document(Array(Ref("site_invitation")), Ref("role")),
            ["role_document"] = Document(Ref("role"), included: null),
            ["role_collection_document"] = Document(Array(Ref("role")), included: null),
            ["organization_document"] = Document(Ref("organization"), included: null),
            ["role_linkage_document"] = Linkage("role_identifier"),
            ["organization_linkage_document"] = Linkage("organization_identifier"),
            ["error_document"] = Object(
                new JsonObject { ["jsonapi"] = Ref("jsonapi"), ["errors"] = new JsonObject { ["type"] = "array", ["minItems"] = 1, ["items"] = Ref("error") } },
                "jsonapi",
                "errors"),
            ["error"] = Object(
                new JsonObject
                {
                    ["id"] = String(),
                    ["status"] = new JsonObject { ["type"] = "string", ["pattern"] = "^[45][0-9]{2}$" },
                    ["code"] = String(),
                    ["title"] = String(),
                    ["detail"] = String(),
                    ["source"] = new JsonObject
                    {
                        ["oneOf"] = new JsonArray(
                            Object(new JsonObject { ["pointer"] = String() }, "pointer"),
                            Object(new JsonObject { ["parameter"] = String() }, "parameter"),
                            Object(new JsonObject { ["header"] = String() }, "header")),
                    },
                },
                "id",
                "status",
                "code",
                "title",
                "detail"),
        };

        var createAttributes = new JsonObject { ["email"] = new JsonObject { ["type"] = "string", ["maxLength"] = EmailAddress.MaxLength } };
        if (contract.CreateAttributes.Contains(InvitationContracts.SendEmail))
        {
            // No "default": generators read a default as "always present" and would make it required; said in words instead.
            createAttributes[InvitationContracts.SendEmail] = new JsonObject
            {
                ["type"] = "boolean",
                ["writeOnly"] = true,
                ["description"] = "Whether to send the invitation email; true when omitted.",
            };
        }

        var writableRole = Object(new JsonObject { ["role"] = Object(new JsonObject { ["data"] = Ref("role_identifier") }, "data") });
        schemas["site_invitation_create_request"] = Object(
            new JsonObject
            {
                ["data"] = Object(
                    new JsonObject
                    {
                        ["type"] = Const(InvitationResources.Type),
                        ["attributes"] = Object(createAttributes, "email"),
                        ["relationships"] = RequireRole(writableRole.DeepClone().AsObject()),
                    },
                    "type",
                    "attributes",
                    "relationships"),
            },
            "data");
        if (hasWrites)
        {
            schemas["role_linkage_request"] = Object(new JsonObject { ["data"] = Ref("role_identifier") }, "data");
            schemas["site_invitation_update_request"] = Object(
                new JsonObject
                {
                    ["data"] = Object(
                        new JsonObject { ["type"] = Const(InvitationResources.Type), ["id"] = String("uuid"), ["relationships"] = writableRole },
                        "type",
                        "id"),
                },
                "data");
        }

        if (memberships)
        {
            AddMembershipSchemas(schemas);
        }

        return schemas;
    }

    private static JsonObject InvitationRelationships(InvitationContract contract)
    {
        var relationships = new JsonObject { ["role"] = Ref("role_relationship"), ["organization"] = Ref("organization_relationship") };
        if (contract.Relationships.Contains(InvitationResources.MembershipRelationship))
        {
            relationships[InvitationResources.MembershipRelationship] = Ref("membership_relationship");
        }

        return Object(relationships, [.. contract.Relationships]);
    }

    /// <summary>An identifier, or null for an empty to-one relationship.</summary>
    private static JsonObject Nullable(JsonObject schema) => new() { ["oneOf"] = new JsonArray(schema, new JsonObject { ["type"] = "null" }) };

    private static void AddMembershipSchemas(JsonObject schemas)
    {
        schemas["membership_identifier"] = Identifier(MembershipResources.Type);
        schemas["site_invitation_identifier"] = Identifier(InvitationResources.Type);
        schemas["membership_relationship"] = Object(
            new JsonObject { ["links"] = Ref("relationship_links"), ["data"] = Nullable(Ref("membership_identifier")) },
            "links",
            "data");
        schemas["site_invitation_relationship"] = Object(
            new JsonObject { ["links"] = Ref("relationship_links"), ["data"] = Nullable(Ref("site_invitation_identifier")) },
            "links",
            "data");
        schemas["membership"] = Resource(
            MembershipResources.Type,
            Object(new JsonObject { ["email"] = String("email"), ["created_at"] = String("date-time") }, [.. MembershipResources.Attributes]),
            Object(
                new JsonObject
                {
                    [MembershipResources.RoleRelationship] = Ref("role_relationship"),
                    [MembershipResources.OrganizationRelationship] = Ref("organization_relationship"),
                    [MembershipResources.InvitationRelationship] = Ref("site_invitation_relationship"),
                },
                [.. MembershipResources.Relationships]));
        schemas["membership_document"] = Document(Ref("membership"), Ref("role"));
        schemas["membership_collection_document"] = Document(Array(Ref("membership")), Ref("role"));
        schemas["membership_or_null_document"] = Document(Nullable(Ref("membership")), included: null);
        schemas["site_invitation_or_null_document"] = Document(Nullable(Ref("site_invitation")), included: null);
        schemas["membership_linkage_document"] = Object(
            new JsonObject { ["jsonapi"] = Ref("jsonapi"), ["data"] = Nullable(Ref("membership_identifier")), ["links"] = Ref("relationship_links") },
            "jsonapi",
            "data",
            "links");
        schemas["site_invitation_linkage_document"] = Object(
            new JsonObject { ["jsonapi"] = Ref("jsonapi"), ["data"] = Nullable(Ref("site_invitation_identifier")), ["links"] = Ref("relationship_links") },
            "jsonapi",
            "data",
            "links");
        schemas["invitee_invitation_document"] = Document(Ref("site_invitation"), new JsonObject { ["oneOf"] = new JsonArray(Ref("role"), Ref("organization")) });
        schemas["membership_update_request"] = Object(
            new JsonObject
            {
                ["data"] = Object(
                    new JsonObject
                    {
                        ["type"] = Const(MembershipResources.Type),
                        ["id"] = String("uuid"),
                        ["relationships"] = Object(new JsonObject { ["role"] = Object(new JsonObject { ["data"] = Ref("role_identifier") }, "data") }),
                    },
                    "type",
                    "id"),
            },
            "data");
        schemas["membership_create_request"] = Object(
            new JsonObject { ["data"] = Object(new JsonObject { ["type"] = Const(MembershipResources.Type) }, "type") },
            "data");
    }

    private static void AddMemberships(JsonObject paths, JsonObject[] fields)
    {
        const string collection = "/orgs/{org_id}/memberships";
        const string item = collection + "/{membership_id}";
        string[] read = [Permissions.OrgRead, Permissions.OrgUserRead];
        paths[collection] = new JsonObject
        {
            ["get"] = Operation(
                "listMemberships",
                "The organization's members, oldest first.",
                [OrgId, IncludeWithMemberships, .. fields, Limit, Cursor(Pagination.StartingAfter), Cursor(Pagination.EndingBefore), EmailFilter(memberships: true), RoleFilter],
                Ok("membership_collection_document"),
                read),
        };
        paths[item] = new JsonObject
        {
            ["get"] = Operation("getMembership", "One member.", [OrgId, MembershipId, IncludeWithMemberships, .. fields], Ok("membership_document"), read),
            ["patch"] = Operation(
                "updateMembership",
                "Changes the member's role (the token must be able to grant both the member's role and the new one); attributes are read-only.",
                [OrgId, MembershipId, IncludeWithMemberships, .. fields],
                new JsonObject
                {
                    ["200"] = Response("The updated member.", "membership_document"),
                    ["409"] = Error("The id or type does not match the URL (id_mismatch, type_mismatch), or the member is the organization's last owner (last_owner)."),
                    ["422"] = Error("A value breaks a rule (invalid_value)."),
                },
                [Permissions.OrgUserInvite],
                body: "membership_update_request"),
            ["delete"] = Operation(
                "removeMembership",
                "Removes the member (the token must be able to grant the member's role); the invitation it came from stays accepted.",
                [OrgId, MembershipId],
                new JsonObject
                {
                    ["204"] = new JsonObject { ["description"] = "Removed.", ["headers"] = VersionHeaders() },
                    ["409"] = Error("The member is the organization's last owner (last_owner)."),
                },
                [Permissions.OrgUserInvite]),
        };
        paths[item + "/relationships/role"] = new JsonObject
        {
            ["get"] = Operation("getMembershipRoleRelationship", "The member's role linkage.", [OrgId, MembershipId], Ok("role_linkage_document"), read),
            ["patch"] = Operation(
                "updateMembershipRoleRelationship",
                "Changes the member's role through its relationship link.",
                [OrgId, MembershipId],
                new JsonObject
                {
                    ["200"] = Response("The new linkage.", "role_linkage_document"),
                    ["409"] = Error("The type is not role (type_mismatch), or the member is the organization's last owner (last_owner)."),
                    ["422"] = Error("The linkage is null: a member always has a role (invalid_value)."),
                },
                [Permissions.OrgUserInvite],
                body: "role_linkage_request"),
        };
        paths[item + "/role"] = Get("getMembershipRole", "The member's role.", [OrgId, MembershipId, .. fields], "role_document", read);
        paths[item + "/relationships/organization"] = Get("getMembershipOrganizationRelationship", "The member's organization linkage.", [OrgId, MembershipId], "organization_linkage_document", read);
        paths[item + "/organization"] = Get("getMembershipOrganization", "The member's organization.", [OrgId, MembershipId, .. fields], "organization_document", read);
        paths[item + "/relationships/invitation"] = Get("getMembershipInvitationRelationship", "The linkage of the invitation the member accepted.", [OrgId, MembershipId], "site_invitation_linkage_document", read);
        paths[item + "/invitation"] = Get("getMembershipInvitation", "The invitation the member accepted.", [OrgId, MembershipId, .. fields], "site_invitation_or_null_document", read);
        paths["/orgs/{org_id}/invites/{invite_id}/relationships/membership"] = Get(
            "getInvitationMembershipRelationship", "The linkage of the membership the invitation's acceptance made: null until accepted.", [OrgId, InviteId], "membership_linkage_document", read);
        paths["/orgs/{org_id}/invites/{invite_id}/membership"] = Get(
            "getInvitationMembership", "The membership the invitation's acceptance made: null until accepted.", [OrgId, InviteId, .. fields], "membership_or_null_document", read);

        JsonObject Gone() => Error("The invitation can no longer be accepted: it expired (invitation_expired), was cancelled (invitation_cancelled) or was accepted (invitation_accepted).");
        JsonObject Unauthorized() => Error("No invitation credential, an API token instead (unauthorized), or an unknown or superseded one (invalid_token).");
        paths["/" + Invitees.InviteeController.InvitationPath] = new JsonObject
        {
            ["get"] = Operation(
                "getOwnInvitation",
                "The invitation the credential opens, with include=role,organization so that a page can say who invites whom into what.",
                [IncludeWithMemberships, .. fields],
                new JsonObject { ["200"] = Response("OK.", "invitee_invitation_document"), ["401"] = Unauthorized(), ["410"] = Gone() },
                [],
                invitee: true),
        };
        paths["/" + Invitees.InviteeController.MembershipsPath] = new JsonObject
        {
            ["post"] = Operation(
                "acceptInvitation",
                "Accepts the invitation the credential opens: the invitation becomes accepted and a membership with its email and role is made, in one transaction. Of concurrent accepts exactly one succeeds.",
                [.. fields],
                new JsonObject
                {
                    ["201"] = Response("Accepted: the new membership.", "membership_document", location: true),
                    ["401"] = Unauthorized(),
                    ["409"] = Error("The email is already a member of the organization (already_member), or the type is not membership (type_mismatch)."),
                    ["410"] = Gone(),
                },
                [],
                body: "membership_create_request",
                invitee: true),
        };
    }

    private static JsonObject RequireRole(JsonObject relationships)
    {
        relationships["required"] = new JsonArray("role");
        return relationships;
    }

    private static JsonObject AttributeSchema(AttributeKind kind) => kind switch
    {
        AttributeKind.Email => String("email"),
        AttributeKind.Boolean => new JsonObject { ["type"] = "boolean" },
        AttributeKind.Status => Enum([.. Enum<InvitationStatus>().Select(s => s.ToName())]),
        AttributeKind.Timestamp => String("date-time"),
        AttributeKind.NullableTimestamp => new JsonObject { ["type"] = new JsonArray("string", "null"), ["format"] = "date-time" },
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static T[] Enum<T>()
        where T : struct, System.Enum => System.Enum.GetValues<T>();

    private static JsonObject Identifier(string type) => Object(new JsonObject { ["type"] = Const(type), ["id"] = String("uuid") }, "type", "id");

    private static JsonObject Resource(string type, JsonObject attributes, JsonObject? relationships)
    {
        var properties = new JsonObject { ["type"] = Const(type), ["id"] = String("uuid"), ["attributes"] = attributes };
        if (relationships is not null)
        {
            properties["relationships"] = relationships;
        }

        properties["links"] = Ref("resource_links");
        return relationships is null
            ? Object(properties, "type", "id", "attributes", "links")
            : Object(properties, "type", "id", "attributes", "relationships", "links");
    }

    private static JsonObject Array(JsonObject items) => new() { ["type"] = "array", ["items"] = items };

    private static JsonObject Document(JsonObject data, JsonObject? included)
    {
        var properties = new JsonObject { ["jsonapi"] = Ref("jsonapi"), ["data"] = data };
        properties["included"] = included is null
            ? new JsonObject { ["type"] = "array", ["maxItems"] = 0, ["description"] = "Present (empty) when include is given; these resources have no include paths." }
            : new JsonObject { ["type"] = "array", ["items"] = included, ["description"] = "Present when include is given." };
        properties["links"] = Ref("top_links");
        return Object(properties, "jsonapi", "data", "links");
    }

    private static JsonObject Linkage(string identifier) =>
        Object(new JsonObject { ["jsonapi"] = Ref("jsonapi"), ["data"] = Ref(identifier), ["links"] = Ref("relationship_links") }, "jsonapi", "data", "links");
}
