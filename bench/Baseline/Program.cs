using System.Text.Json;
using System.Text.Json.Nodes;

// No middleware, no routing, no database: Kestrel and System.Text.Json writing one document per request.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();

var document = JsonNode.Parse(
    """
    {"jsonapi":{"version":"1.1"},"data":{"type":"site_invitation","id":"363cda19-20b7-42d0-91bc-60ed4efe5a73",
    "attributes":{"email":"ada@example.com","expired":false,"status":"pending","created_at":"2026-11-23T10:39:20Z","expires_at":"2026-11-30T10:39:20Z"},
    "relationships":{"role":{"links":{"self":"/orgs/2b0d5cdb-dbe1-4099-a107-a7d6b1549530/invites/363cda19-20b7-42d0-91bc-60ed4efe5a73/relationships/role?version=2022-11-14",
    "related":"/orgs/2b0d5cdb-dbe1-4099-a107-a7d6b1549530/invites/363cda19-20b7-42d0-91bc-60ed4efe5a73/role?version=2022-11-14"},
    "data":{"type":"role","id":"fb500cdd-6746-4341-9b3f-ba118acacdbb"}},
    "organization":{"links":{"self":"/orgs/2b0d5cdb-dbe1-4099-a107-a7d6b1549530/invites/363cda19-20b7-42d0-91bc-60ed4efe5a73/relationships/organization?version=2022-11-14",
    "related":"/orgs/2b0d5cdb-dbe1-4099-a107-a7d6b1549530/invites/363cda19-20b7-42d0-91bc-60ed4efe5a73/organization?version=2022-11-14"},
    "data":{"type":"organization","id":"2b0d5cdb-dbe1-4099-a107-a7d6b1549530"}}},
    "links":{"self":"/orgs/2b0d5cdb-dbe1-4099-a107-a7d6b1549530/invites/363cda19-20b7-42d0-91bc-60ed4efe5a73?version=2022-11-14"}},
    "links":{"self":"/orgs/2b0d5cdb-dbe1-4099-a107-a7d6b1549530/invites/363cda19-20b7-42d0-91bc-60ed4efe5a73?version=2022-11-14"}}
    """)!;

// The same document shape a hundred times with one included role: what writing a list response costs at the very least.
var invitation = document["data"]!;
var list = new JsonObject
{
    ["jsonapi"] = new JsonObject { ["version"] = "1.1" },
    ["data"] = new JsonArray([.. Enumerable.Range(0, 100).Select(_ => invitation.DeepClone())]),
    ["included"] = new JsonArray(JsonNode.Parse("""{"type":"role","id":"fb500cdd-6746-4341-9b3f-ba118acacdbb","attributes":{"key":"viewer","name":"Viewer","permissions":["org.read"]},"links":{"self":"/orgs/2b0d5cdb-dbe1-4099-a107-a7d6b1549530/roles/fb500cdd-6746-4341-9b3f-ba118acacdbb?version=2022-11-14"}}""")),
    ["links"] = new JsonObject { ["self"] = "/orgs/2b0d5cdb-dbe1-4099-a107-a7d6b1549530/invites?version=2022-11-14&limit=100&include=role" },
};

app.Run(async context =>
{
    context.Response.ContentType = "application/vnd.api+json";
    await using var writer = new Utf8JsonWriter(context.Response.BodyWriter);
    (context.Request.Path.StartsWithSegments("/list") ? list : document).WriteTo(writer);
    await writer.FlushAsync(context.RequestAborted);
});

await app.RunAsync();
