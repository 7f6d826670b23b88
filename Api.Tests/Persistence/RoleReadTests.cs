using JsonApiInvites.Api.Tests.Infrastructure;
using JsonApiInvites.Domain.Organizations;
using Microsoft.Extensions.DependencyInjection;

namespace JsonApiInvites.Api.Tests.Persistence;

/// <summary>An organization's roles are kept in memory once read (they never change); a miss must never be kept.</summary>
public sealed class RoleReadTests(DatabaseKind database) : FreshAppTests(database)
{
    protected override bool WithOrganization => false;

    [Test]
    public async Task An_organization_created_after_a_miss_has_its_roles_found()
    {
        await App.MigrateAsync();
        var organizations = App.Services.GetRequiredService<IOrganizationRepository>();
        var id = Guid.NewGuid();
        Assert.That(await organizations.GetRolesAsync(id, CancellationToken.None), Is.Empty);

        // Created meanwhile, as the CLI does from another process: straight into the database.
        await App.Data.InsertOrganizationAsync(id, "later", Guid.NewGuid(), "viewer", "org.read");

        var roles = await organizations.GetRolesAsync(id, CancellationToken.None);

        Assert.That(roles.Select(r => r.Key), Is.EqualTo(new[] { "viewer" }));
        Assert.That(await organizations.FindRoleAsync(id, roles[0].Id, CancellationToken.None), Is.EqualTo(roles[0]));
    }

    [Test]
    public async Task A_role_is_found_only_in_its_own_organization()
    {
        var acme = await App.CreateOrganizationAsync("Acme");
        var other = await App.CreateOrganizationAsync("Other");
        var organizations = App.Services.GetRequiredService<IOrganizationRepository>();

        Assert.That(await organizations.FindRoleAsync(acme.Id, acme.Roles["viewer"], CancellationToken.None), Is.Not.Null);
        Assert.That(await organizations.FindRoleAsync(acme.Id, other.Roles["viewer"], CancellationToken.None), Is.Null);
        Assert.That(await organizations.FindRoleAsync(acme.Id, Guid.NewGuid(), CancellationToken.None), Is.Null);
    }
}
