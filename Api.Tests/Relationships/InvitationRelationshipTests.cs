using System.Net;
using System.Text.Json.Nodes;
using JsonApiInvites.Api.Tests.Infrastructure;

namespace JsonApiInvites.Api.Tests.Relationships;

/// <summary>JSON:API 1.1 §7.2.2.2 and §8.1–8.2: relationship objects, their self (linkage) and related links.</summary>
public sealed class InvitationRelationshipTests(DatabaseKind database) : SharedAppTests(database)
{
    private Guid _invitation;

    protected override async Task OnStartedAsync()
    {
        _invitation = await Client.CreateInvitationAsync(Org, "ada@example.com", "admin");
    }

    [Test]
    public async Task Can_get_the_role_linkage_of_an_invitation()
    {
        var response = await Client.GetAsync(Org.Invite(_invitation, "/relationships/role"), Org.Token);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.OK));
        Snapshot.Match(response);
    }

    [Test]
    public async Task Can_get_the_role_of_an_invitation()
    {
        var response = await Client.GetAsync(Org.Invite(_invitation, "/role"), Org.Token);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.OK));
        Snapshot.Match(response);
    }

    [Test]
    public async Task Can_get_the_organization_linkage_of_an_invitation()
    {
        var response = await Client.GetAsync(Org.Invite(_invitation, "/relationships/organization"), Org.Token);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.OK));
        Snapshot.Match(response);
    }

    [Test]
    public async Task Can_get_the_organization_of_an_invitation()
    {
        var response = await Client.GetAsync(Org.Invite(_invitation, "/organization"), Org.Token);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.OK));
        Snapshot.Match(response);
    }

    [Test]
    public async Task The_related_resource_takes_sparse_fieldsets()
    {
        var response = await Client.GetAsync(Org.Invite(_invitation, "/role", query: "&fields[role]=key"), Org.Token);

        Assert.That(response.Json["data"]!["attributes"]!.AsObject().Select(a => a.Key), Is.EqualTo(new[] { "key" }));
        Assert.That(response.Json["data"]!["relationships"], Is.Null);
    }

    [TestCase("/relationships/role", "include=role", "include")]
    [TestCase("/relationships/role", "fields[role]=key", "fields[role]")]
    [TestCase("/role", "include=organization", "include")]
    [TestCase("/organization", "sort=name", "sort")]
    public async Task Relationship_routes_refuse_parameters_they_do_not_support(string suffix, string query, string parameter)
    {
        var response = await Client.GetAsync(Org.Invite(_invitation, suffix, query: "&" + query), Org.Token);

        response.AssertError(HttpStatusCode.BadRequest, parameter: parameter);
    }

    [Test]
    public async Task Linkage_and_related_resource_agree_with_the_invitation()
    {
        var invitation = (await Client.GetAsync(Org.Invite(_invitation), Org.Token)).Json["data"]!;

        foreach (var name in new[] { "role", "organization" })
        {
            var relationship = invitation["relationships"]![name]!;
            var linkage = await Client.GetAsync(relationship["links"]!["self"]!.GetValue<string>(), Org.Token);
            var related = await Client.GetAsync(relationship["links"]!["related"]!.GetValue<string>(), Org.Token);

            Assert.That(JsonNode.DeepEquals(linkage.Json["data"], relationship["data"]), Is.True, name);
            Assert.That(JsonNode.DeepEquals(linkage.Json["links"], relationship["links"]), Is.True, name);
            Assert.That(related.Json["data"]!["type"]!.ToJsonString(), Is.EqualTo(relationship["data"]!["type"]!.ToJsonString()), name);
            Assert.That(related.Json["data"]!["id"]!.ToJsonString(), Is.EqualTo(relationship["data"]!["id"]!.ToJsonString()), name);
        }
    }

    [Test]
    public async Task Every_link_the_server_writes_can_be_followed()
    {
        var start = Org.Invites(query: "&include=role");
        var seen = new HashSet<string>(StringComparer.Ordinal) { start };
        var pending = new Queue<string>([start]);
        while (pending.TryDequeue(out var url))
        {
            var response = await Client.GetAsync(url, Org.Token);
            Assert.That(response.Status, Is.EqualTo(HttpStatusCode.OK), $"{url}\n{response.Body}");
            foreach (var link in LinksIn(response.Json).Where(seen.Add))
            {
                pending.Enqueue(link);
            }
        }

        // The collection, the invitation, its two relationships' two links each, the role and the organization
        // (whose relationship to the organization adds two more).
        Assert.That(seen, Has.Count.GreaterThanOrEqualTo(9));
        Assert.That(seen, Has.Some.Contains($"/orgs/{Org.Id}?version="));
    }

    private static IEnumerable<string> LinksIn(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(m => m.Key == "links" && m.Value is JsonObject links
            ? links.Select(l => l.Value?.GetValue<string>()).OfType<string>()
            : LinksIn(m.Value)),
        JsonArray a => a.SelectMany(LinksIn),
        _ => [],
    };
}
