using System.Text.Json;
using JsonApiInvites.Api.Invitations;
using JsonApiInvites.Api.JsonApi;
using JsonApiInvites.Api.Roles;
using JsonApiInvites.Domain.Organizations;

namespace JsonApiInvites.Api.Tests.Invitations;

/// <summary>The rules an invitation request is read and judged by, without HTTP (the HTTP tests cover the same through the pipeline).</summary>
public sealed class InvitationRulesTests
{
    private static ResourceInput Input(string attributes, string? roleId = "5f6a8a4e-2a2f-4b8e-9a5c-6b1f2d3e4c5b")
    {
        using var document = JsonDocument.Parse(attributes);
        var values = document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());
        var relationships = new Dictionary<string, ResourceIdentifier?>();
        if (roleId is not null)
        {
            relationships["role"] = new ResourceIdentifier("role", roleId);
        }

        return new ResourceInput(values, relationships);
    }

    private static ErrorObject ErrorOf(Action action) => Assert.Throws<JsonApiException>(action)!.Error;

    [Test]
    public void A_create_is_read_into_a_trimmed_email_its_role_and_send_email()
    {
        var input = InvitationInput.ReadCreate(Input("""{"email":"  Ada@Example.com ","send_email":false}"""), InvitationContracts.V20221114);

        Assert.That(input, Is.EqualTo(new CreateInvitationInput("Ada@Example.com", new ResourceIdentifier("role", "5f6a8a4e-2a2f-4b8e-9a5c-6b1f2d3e4c5b"), SendEmail: false)));
    }

    [TestCase("""{}""", 422, "/data/attributes/email")]
    [TestCase("""{"email":7}""", 400, "/data/attributes/email")]
    [TestCase("""{"email":"not-an-email"}""", 422, "/data/attributes/email")]
    [TestCase("""{"email":"a@example.com","send_email":"yes"}""", 400, "/data/attributes/send_email")]
    [TestCase("""{"email":"a@example.com","status":"accepted"}""", 403, "/data/attributes/status")]
    public void A_create_with_a_bad_attribute_names_it(string attributes, int status, string pointer)
    {
        var error = ErrorOf(() => InvitationInput.ReadCreate(Input(attributes), InvitationContracts.V20221114));

        Assert.That((error.Status, error.Source?.Pointer), Is.EqualTo((status, pointer)));
    }

    [Test]
    public void A_create_without_a_role_is_a_422_at_the_relationship()
    {
        var error = ErrorOf(() => InvitationInput.ReadCreate(Input("""{"email":"a@example.com"}""", roleId: null), InvitationContracts.V20221114));

        Assert.That((error.Status, error.Code, error.Source?.Pointer), Is.EqualTo((422, "invalid_value", "/data/relationships/role")));
    }

    [Test]
    public void Send_email_is_unknown_before_2022_11_14()
    {
        var error = ErrorOf(() => InvitationInput.ReadCreate(Input("""{"email":"a@example.com","send_email":false}"""), InvitationContracts.V20210604));

        Assert.That((error.Status, error.Source?.Pointer), Is.EqualTo((400, "/data/attributes/send_email")));
    }

    [Test]
    public void A_role_is_grantable_only_by_a_token_holding_all_its_permissions()
    {
        var admin = DefaultRoles.For(Guid.NewGuid()).Single(r => r.Key == "admin");

        Assert.DoesNotThrow(() => RoleGrants.EnsureGrantable(admin, [.. admin.Permissions, "org.admin"], "invite into"));
        var error = ErrorOf(() => RoleGrants.EnsureGrantable(admin, ["org.read", "org.user.read"], "invite into"));
        Assert.That((error.Status, error.Code), Is.EqualTo((403, "role_not_grantable")));
        Assert.That(error.Detail, Does.Contain("invite into role 'admin'"));
    }
}
