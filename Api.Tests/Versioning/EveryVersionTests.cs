using System.Net;
using JsonApiInvites.Api.Tests.Infrastructure;

namespace JsonApiInvites.Api.Tests.Versioning;

/// <summary>
/// Every response shape, once per declared version, each in its own snapshot: adding a feature to a newer version
/// can never change the bytes an older one sends without a snapshot failing.
/// </summary>
[TestFixtureSource(nameof(Fixtures))]
public sealed class EveryVersionTests(string version, DatabaseKind database) : FreshAppTests(database)
{
    public static readonly string[] Versions = ["2021-06-04", "2022-11-14", "2024-10-15~beta", "2026-11-25"];

    public static IEnumerable<object[]> Fixtures => Versions.SelectMany(v => DatabaseKinds.All.Select(d => new object[] { v, d }));

    private bool AtLeast2022 => version != "2021-06-04";

    /// <summary>A version can be asked for only from the day before its date: the clock starts on its day if it is later.</summary>
    [SetUp]
    public void StartOnTheVersionsDay() => App.Clock.StartOn(JsonApiInvites.Api.Versioning.ApiVersionName.Parse(version).Date);

    private Task<ApiResponse> Create(string email, string role = "collaborator", string query = "") =>
        Client.PostAsync(Org.Invites(version, query), Org.Token, JsonApiClient.NewInvitation(email, Org.Roles[role]));

    private async Task<Guid> CreateId(string email, string role = "collaborator")
    {
        var response = await Create(email, role);
        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.Created), response.Body);
        return Guid.Parse(response.Json["data"]!["id"]!.GetValue<string>());
    }

    [Test]
    public async Task Create()
    {
        var response = await Create("ada@example.com", query: "&include=role");

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.Created));
        Snapshot.Match(response, version);
    }

    [Test]
    public async Task Get()
    {
        var id = await CreateId("ada@example.com");
        App.Clock.Advance(TimeSpan.FromHours(1));

        var response = await Client.GetAsync(Org.Invite(id, version: version), Org.Token);

        Snapshot.Match(response, version);
    }

    [Test]
    public async Task List_of_every_status()
    {
        var cancelled = await CreateId("cancelled@example.com");
        await Client.DeleteAsync(Org.Invite(cancelled, version: version), Org.Token);
        App.Clock.Advance(TimeSpan.FromSeconds(1));
        await CreateId("expired@example.com", "viewer");
        App.Clock.Advance(TimeSpan.FromDays(8));
        await CreateId("pending@example.com", "admin");
        App.Clock.Advance(TimeSpan.FromSeconds(1));
        var accepted = await CreateId("accepted@example.com");
        await App.Data.SetInvitationStateAsync(accepted, "accepted");

        var response = await Client.GetAsync(Org.Invites(version, "&include=role"), Org.Token);

        var statuses = response.Json["data"]!.AsArray().Select(i => i!["attributes"]!["email"]!.GetValue<string>().Split('@')[0]);
        Assert.That(statuses, Is.EqualTo(AtLeast2022 ? new[] { "cancelled", "expired", "pending", "accepted" } : ["expired", "pending"]));
        Snapshot.Match(response, version);
    }

    [Test]
    public async Task Role_linkage_and_role()
    {
        var id = await CreateId("ada@example.com");

        Snapshot.Match(await Client.GetAsync(Org.Invite(id, "/relationships/role", version), Org.Token), version + ".linkage");
        Snapshot.Match(await Client.GetAsync(Org.Invite(id, "/role", version), Org.Token), version + ".related");
    }

    [Test]
    public async Task Roles_and_organization()
    {
        Snapshot.Match(await Client.GetAsync(Org.RolesPath(version), Org.Token), version + ".roles");
        Snapshot.Match(await Client.GetAsync($"/orgs/{Org.Id}?version={version}", Org.Token), version + ".organization");
    }

    [Test]
    public async Task Create_with_send_email()
    {
        var body = new
        {
            data = new
            {
                type = "site_invitation",
                attributes = new { email = "ada@example.com", send_email = false },
                relationships = new { role = new { data = new { type = "role", id = Org.Roles["viewer"].ToString() } } },
            },
        };

        var response = await Client.PostAsync(Org.Invites(version), Org.Token, body);

        Assert.That(response.Status, Is.EqualTo(AtLeast2022 ? HttpStatusCode.Created : HttpStatusCode.BadRequest));
        if (AtLeast2022)
        {
            Assert.That(response.Json["data"]!["attributes"]!.AsObject().ContainsKey("send_email"), Is.False, "write-only");
        }
        else
        {
            Assert.That(response.Error["source"]!["pointer"]!.GetValue<string>(), Is.EqualTo("/data/attributes/send_email"));
        }

        Snapshot.Match(response, version);
    }

    [Test]
    public async Task Filter_by_status()
    {
        await CreateId("ada@example.com");

        var response = await Client.GetAsync(Org.Invites(version, "&filter[status]=pending"), Org.Token);

        Assert.That(response.Status, Is.EqualTo(AtLeast2022 ? HttpStatusCode.OK : HttpStatusCode.BadRequest));
        Snapshot.Match(response, version);
    }

    [Test]
    public async Task Create_errors()
    {
        var noEmail = await Client.PostAsync(Org.Invites(version), Org.Token, """{"data":{"type":"site_invitation","attributes":{},"relationships":{"role":{"data":{"type":"role","id":"x"}}}}}""");
        var readOnly = await Client.PostAsync(Org.Invites(version), Org.Token, """{"data":{"type":"site_invitation","attributes":{"email":"a@b.io","status":"pending"}}}""");

        Snapshot.Match(noEmail, version + ".no_email");
        Snapshot.Match(readOnly, version + ".status_attribute");
    }
}
