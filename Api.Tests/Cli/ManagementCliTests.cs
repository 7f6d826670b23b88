using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using JsonApiInvites.Api.Tests.Infrastructure;

namespace JsonApiInvites.Api.Tests.Cli;

/// <summary>The management verbs of SPEC §7, run against the server's own services and database.</summary>
public sealed class ManagementCliTests(DatabaseKind database) : FreshAppTests(database)
{
    protected override bool WithOrganization => false;

    [Test]
    public async Task Orgs_create_prints_the_organization_with_its_four_default_roles()
    {
        var (code, output, error) = await App.RunCliAsync("orgs", "create", "--name", "  Acme Corp  ");

        Assert.That(code, Is.Zero, error);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.That(root.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "id", "name", "slug", "roles" }));
        Assert.That(root.GetProperty("name").GetString(), Is.EqualTo("Acme Corp"));
        Assert.That(root.GetProperty("slug").GetString(), Is.EqualTo("acme-corp"));
        var roles = root.GetProperty("roles").EnumerateArray().ToList();
        Assert.That(roles.Select(r => r.GetProperty("key").GetString()), Is.EqualTo(new[] { "owner", "admin", "collaborator", "viewer" }));
        Assert.That(roles.Select(r => string.Join(',', r.EnumerateObject().Select(p => p.Name))), Is.All.EqualTo("id,key,name"));

        Assert.That(await App.Data.OrganizationAsync(root.GetProperty("id").GetGuid()), Is.EqualTo(("Acme Corp", "acme-corp")));
        Assert.That(await App.Data.CountAsync("roles"), Is.EqualTo(4));
    }

    [Test]
    public async Task Two_organizations_of_the_same_name_get_distinct_slugs()
    {
        var first = await App.RunCliAsync("orgs", "create", "--name", "Acme");
        var second = await App.RunCliAsync("orgs", "create", "--name", "Acme");

        using var a = JsonDocument.Parse(first.Output);
        using var b = JsonDocument.Parse(second.Output);
        Assert.That(b.RootElement.GetProperty("slug").GetString(), Is.Not.EqualTo(a.RootElement.GetProperty("slug").GetString()));
    }

    [Test]
    public async Task Tokens_create_prints_the_secret_once_and_stores_only_its_sha256()
    {
        var org = await App.CreateOrganizationAsync();
        var (code, output, error) = await App.RunCliAsync("tokens", "create", "--org", org.Id.ToString(), "--permissions", "org.read, org.user.read", "--name", "ci");

        Assert.That(code, Is.Zero, error);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.That(root.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "id", "token", "permissions", "expires_at" }));
        Assert.That(root.GetProperty("expires_at").ValueKind, Is.EqualTo(JsonValueKind.Null), "no expiry unless asked");
        Assert.That(root.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()), Is.EqualTo(new[] { "org.read", "org.user.read" }));
        var secret = root.GetProperty("token").GetString()!;
        Assert.That(secret, Does.StartWith("jai_").And.Length.GreaterThan(40));

        var row = await App.Data.TokenAsync(root.GetProperty("id").GetGuid());
        Assert.That(row, Is.EqualTo((Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret))), "ci")));
        Assert.That(await App.Data.AllTextAsync("api_tokens"), Does.Not.Contain(secret));
    }

    [Test]
    public async Task A_printed_token_authenticates_with_exactly_its_permissions()
    {
        var org = await App.CreateOrganizationAsync("Acme", "org.read");
        using var client = App.CreateClient();

        var roles = await client.GetAsync(org.RolesPath(), org.Token);
        var invites = await client.GetAsync(org.Invites(), org.Token);

        Assert.That((int)roles.Status, Is.EqualTo(200));
        Assert.That((int)invites.Status, Is.EqualTo(403));
        Assert.That(invites.Error["detail"]!.GetValue<string>(), Does.Contain("org.user.read"));
    }

    [TestCase("orgs", TestName = "Usage_error_without_a_verb")]
    [TestCase("orgs|delete|--name|x", TestName = "Usage_error_for_an_unknown_verb")]
    [TestCase("orgs|create", TestName = "Usage_error_without_a_name")]
    [TestCase("orgs|create|--name", TestName = "Usage_error_for_an_option_without_a_value")]
    [TestCase("orgs|create|--name|   ", TestName = "Usage_error_for_a_blank_name")]
    [TestCase("tokens|create|--org|not-a-uuid|--permissions|org.read", TestName = "Usage_error_for_a_malformed_org_id")]
    [TestCase("tokens|create|--org|2f1e9d52-3b4c-4a6e-9f1a-0c2d3e4f5a6b", TestName = "Usage_error_without_permissions")]
    [TestCase("tokens|create|--org|2f1e9d52-3b4c-4a6e-9f1a-0c2d3e4f5a6b|--permissions|org.read,org.root", TestName = "Usage_error_for_an_unknown_permission")]
    [TestCase("orgs|create|--name|x|--bogus|x", TestName = "Usage_error_for_an_unknown_option")]
    [TestCase("org|create|--name|x", TestName = "Usage_error_for_a_misspelt_noun")]
    [TestCase("tokens|create|--org|2f1e9d52-3b4c-4a6e-9f1a-0c2d3e4f5a6b|--permissions|org.read|--expires-in|5x", TestName = "Usage_error_for_a_malformed_lifetime")]
    [TestCase("tokens|create|--org|2f1e9d52-3b4c-4a6e-9f1a-0c2d3e4f5a6b|--permissions|org.read|--expires-in|0d", TestName = "Usage_error_for_a_zero_lifetime")]
    [TestCase("tokens|revoke", TestName = "Usage_error_for_a_revoke_without_an_id")]
    [TestCase("tokens|list|--org|nope", TestName = "Usage_error_for_a_list_of_a_malformed_org")]
    public async Task Usage_errors_exit_2_with_a_message_and_change_nothing(string commandLine)
    {
        var (code, output, error) = await App.RunCliAsync(commandLine.Split('|'));

        Assert.That(code, Is.EqualTo(2));
        Assert.That(output, Is.Empty);
        Assert.That(error, Is.Not.Empty);
        Assert.That(await App.Data.CountAsync("organizations") + await App.Data.CountAsync("api_tokens"), Is.Zero);
    }

    [Test]
    public async Task A_token_for_an_unknown_organization_exits_1()
    {
        await App.MigrateAsync();
        var (code, output, error) = await App.RunCliAsync("tokens", "create", "--org", Guid.NewGuid().ToString(), "--permissions", "org.read");

        Assert.That(code, Is.EqualTo(1));
        Assert.That(output, Is.Empty);
        Assert.That(error, Does.Contain("does not exist"));
    }

    [TestCase("--help")]
    [TestCase("-h")]
    [TestCase("orgs|--help")]
    [TestCase("orgs|create|--help")]
    [TestCase("tokens|create|-h")]
    [TestCase("tokens|revoke|--help")]
    [TestCase("openapi|write|--help")]
    public async Task Help_goes_to_standard_output_with_exit_0_on_every_verb(string commandLine)
    {
        var (code, output, error) = await App.RunCliAsync(commandLine.Split('|'));

        Assert.That(code, Is.Zero, error);
        Assert.That(output, Does.Contain("Usage:").And.Contain("--help"));
        Assert.That(error, Is.Empty);
    }

    [Test]
    public async Task Options_take_the_name_equals_value_spelling_and_orgs_list_lists_them()
    {
        var (code, _, error) = await App.RunCliAsync("orgs", "create", "--name=Acme Corp");
        App.Clock.Advance(TimeSpan.FromSeconds(1));
        var second = await App.RunCliAsync("orgs", "create", "--name", "Globex");
        var (listCode, list, _) = await App.RunCliAsync("orgs", "list");

        Assert.That((code, second.ExitCode, listCode), Is.EqualTo((0, 0, 0)), error);
        using var json = JsonDocument.Parse(list);
        Assert.That(json.RootElement.EnumerateArray().Select(o => (o.GetProperty("name").GetString(), o.GetProperty("slug").GetString())), Is.EqualTo(new[] { ("Acme Corp", "acme-corp"), ("Globex", "globex") }));
    }

    [Test]
    public async Task Tokens_list_shows_each_tokens_status_and_never_a_secret()
    {
        var org = await App.CreateOrganizationAsync();
        App.Clock.Advance(TimeSpan.FromSeconds(1));
        var (_, created, _) = await App.RunCliAsync("tokens", "create", "--org", org.Id.ToString(), "--permissions", "org.read", "--name", "short", "--expires-in", "1h");
        using var shortLived = JsonDocument.Parse(created);
        var (_, revoked, _) = await App.RunCliAsync("tokens", "revoke", "--id", shortLived.RootElement.GetProperty("id").GetString()!);
        App.Clock.Advance(TimeSpan.FromHours(2));

        var (code, list, error) = await App.RunCliAsync("tokens", "list", "--org", org.Id.ToString());

        Assert.That(code, Is.Zero, error);
        Assert.That(shortLived.RootElement.GetProperty("expires_at").GetString(), Is.EqualTo("2026-11-23T03:40:58Z"));
        Assert.That(JsonDocument.Parse(revoked).RootElement.GetProperty("status").GetString(), Is.EqualTo("revoked"));
        using var json = JsonDocument.Parse(list);
        Assert.That(json.RootElement.EnumerateArray().Select(t => t.GetProperty("status").GetString()), Is.EqualTo(new[] { "active", "revoked" }));
        Assert.That(list, Does.Not.Contain(org.Token).And.Not.Contain(shortLived.RootElement.GetProperty("token").GetString()!).And.Not.Contain("\"token\""));
    }

    [Test]
    public async Task An_expired_token_is_refused_from_its_expiry_on()
    {
        var org = await App.CreateOrganizationAsync();
        var (_, created, _) = await App.RunCliAsync("tokens", "create", "--org", org.Id.ToString(), "--permissions", "org.read", "--expires-in", "30m");
        var token = JsonDocument.Parse(created).RootElement.GetProperty("token").GetString()!;
        using var client = App.CreateClient();

        var before = await client.GetAsync(org.RolesPath(), token);
        App.Clock.Advance(TimeSpan.FromMinutes(30));
        var after = await client.GetAsync(org.RolesPath(), token);

        Assert.That((int)before.Status, Is.EqualTo(200));
        Assert.That((int)after.Status, Is.EqualTo(401), "refused at once, cache or not");
        Assert.That(after.Error["detail"]!.GetValue<string>(), Does.Contain("expired"));
    }

    [Test]
    public async Task Revoking_an_unknown_token_exits_1()
    {
        await App.MigrateAsync();
        var (code, output, error) = await App.RunCliAsync("tokens", "revoke", "--id", Guid.NewGuid().ToString());

        Assert.That((code, output), Is.EqualTo((1, "")));
        Assert.That(error, Does.Contain("does not exist"));
    }
}
