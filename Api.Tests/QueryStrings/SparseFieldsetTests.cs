using System.Net;
using System.Text.Json.Nodes;
using JsonApiInvites.Api.Tests.Infrastructure;

namespace JsonApiInvites.Api.Tests.QueryStrings;

/// <summary>JSON:API 1.1 §8.4 (sparse fieldsets): <c>fields[TYPE]</c> for primary and included data alike.</summary>
public sealed class SparseFieldsetTests(DatabaseKind database) : SharedAppTests(database)
{
    private Guid _invitation;

    protected override async Task OnStartedAsync()
    {
        _invitation = await Client.CreateInvitationAsync(Org, "ada@example.com", "viewer");
    }

    private static string[] FieldsOf(JsonNode resource) =>
    [
        .. (resource["attributes"]?.AsObject() ?? []).Select(a => a.Key),
        .. (resource["relationships"]?.AsObject() ?? []).Select(r => r.Key),
    ];

    [Test]
    public async Task Shows_only_the_chosen_fields_of_primary_and_included_data()
    {
        var response = await Client.GetAsync(Org.Invites(query: "&include=role&fields[site_invitation]=email,role&fields[role]=name"), Org.Token);

        Assert.That(FieldsOf(response.Json["data"]![0]!), Is.EqualTo(new[] { "email", "role" }));
        Assert.That(FieldsOf(response.Json["included"]![0]!), Is.EqualTo(new[] { "name" }));
        Snapshot.Match(response);
    }

    [Test]
    public async Task A_fieldset_of_one_type_leaves_the_others_whole()
    {
        var response = await Client.GetAsync(Org.Invite(_invitation, query: "&include=role&fields[role]=key"), Org.Token);

        Assert.That(FieldsOf(response.Json["data"]!), Is.EqualTo(new[] { "email", "expired", "role", "organization" }));
        Assert.That(FieldsOf(response.Json["included"]![0]!), Is.EqualTo(new[] { "key" }));
    }

    [Test]
    public async Task An_empty_fieldset_shows_no_fields_but_keeps_identity_and_links()
    {
        var response = await Client.GetAsync(Org.Invite(_invitation, query: "&fields[site_invitation]="), Org.Token);

        var data = response.Json["data"]!.AsObject();
        Assert.That(data.Select(m => m.Key), Is.EqualTo(new[] { "type", "id", "links" }));
    }

    [Test]
    public async Task A_fieldset_may_name_a_type_the_response_does_not_hold()
    {
        var response = await Client.GetAsync(Org.Invite(_invitation, query: "&fields[organization]=name"), Org.Token);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.OK));
    }

    [TestCase("fields[site_invitation]=email,status", "fields[site_invitation]")]
    [TestCase("fields[site_invitation]=Email", "fields[site_invitation]")]
    [TestCase("fields[role]=permission", "fields[role]")]
    [TestCase("fields[invitation]=email", "fields[invitation]")]
    [TestCase("fields=email", "fields")]
    [TestCase("fields[]=email", "fields[]")]
    public async Task Cannot_ask_for_an_unknown_field_or_type(string query, string parameter)
    {
        var response = await Client.GetAsync(Org.Invites(query: "&" + query), Org.Token);

        response.AssertError(HttpStatusCode.BadRequest, parameter: parameter);
    }

    [Test]
    public async Task Reports_an_unknown_field()
    {
        var response = await Client.GetAsync(Org.Invites(query: "&fields[site_invitation]=status"), Org.Token);

        Snapshot.Match(response);
    }
}
