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
        Assert.That(root.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "id", "token", "permissions" }));
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
}
