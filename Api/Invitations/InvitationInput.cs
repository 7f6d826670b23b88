using System.Text.Json;
using JsonApiInvites.Api.JsonApi;
using JsonApiInvites.Api.Roles;
using JsonApiInvites.Domain.Invitations;

namespace JsonApiInvites.Api.Invitations;

/// <summary>What a create asks for, read and checked against the served version's contract.</summary>
public sealed record CreateInvitationInput(string Email, ResourceIdentifier Role, bool SendEmail);

/// <summary>
/// Reads <c>site_invitation</c> request documents into typed input, every problem with the <c>source.pointer</c> of its
/// culprit: 400 for the wrong shape, 403 for a read-only field, 422 for a value that breaks a rule.
/// </summary>
public static class InvitationInput
{
    public const string RolePointer = "/data/relationships/role/data";
    private const string EmailPointer = "/data/attributes/email";

    public static CreateInvitationInput ReadCreate(ResourceInput input, InvitationContract contract)
    {
        CheckAttributes(input, contract.CreateAttributes, contract);
        if (!input.Attributes.TryGetValue("email", out var emailElement))
        {
            throw new JsonApiException(Errors.InvalidValue(EmailPointer, "'email' is required."));
        }

        if (emailElement.ValueKind != JsonValueKind.String)
        {
            throw new JsonApiException(Errors.InvalidDocument(EmailPointer, "'email' must be a string."));
        }

        var email = EmailAddress.Normalize(emailElement.GetString()!);
        if (EmailAddress.Validate(email) is { } problem)
        {
            throw new JsonApiException(Errors.InvalidValue(EmailPointer, problem));
        }

        var sendEmail = true;
        if (input.Attributes.TryGetValue(InvitationContracts.SendEmail, out var sendEmailElement))
        {
            sendEmail = sendEmailElement.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw new JsonApiException(Errors.InvalidDocument("/data/attributes/send_email", "'send_email' must be true or false.")),
            };
        }

        var role = ReadRole(input) ?? throw new JsonApiException(Errors.InvalidValue("/data/relationships/role", "The 'role' relationship is required."));
        return new CreateInvitationInput(email, role, sendEmail);
    }

    /// <summary>An update may change the role only; every attribute is read-only. Null when the role is not given.</summary>
    public static ResourceIdentifier? ReadUpdate(ResourceInput input, InvitationContract contract)
    {
        CheckAttributes(input, [], contract);
        return ReadRole(input);
    }

    /// <summary>The document of a PATCH to the role relationship's link: a role identifier (an invitation always has a role).</summary>
    public static ResourceIdentifier ReadRoleLinkage(JsonElement document)
    {
        var identifier = RequestDocumentReader.ReadToOneDocument(document)
            ?? throw new JsonApiException(Errors.InvalidValue("/data", "An invitation always has a role; it cannot be emptied."));
        if (identifier.Type != RoleResources.Type)
        {
            throw new JsonApiException(Errors.TypeMismatch("/data/type", identifier.Type, RoleResources.Type));
        }

        return identifier;
    }

    private static void CheckAttributes(ResourceInput input, IReadOnlyList<string> writable, InvitationContract contract)
    {
        foreach (var name in input.Attributes.Keys.Where(n => !writable.Contains(n)))
        {
            // JSON:API 1.1 §9: an unsupported update of a field is a 403; a name the version does not have is a bad document.
            var pointer = "/data/attributes/" + RequestDocumentReader.Escape(name);
            throw new JsonApiException(contract.Shows(name)
                ? Errors.ReadOnly(pointer, $"'{name}' is read-only.")
                : Errors.InvalidDocument(pointer, $"'{name}' is not a writable attribute of site_invitation at version {contract.Version}."));
        }
    }

    /// <summary>The <c>role</c> relationship of a request resource, null when absent; any other relationship is refused.</summary>
    private static ResourceIdentifier? ReadRole(ResourceInput input)
    {
        foreach (var name in input.Relationships.Keys.Where(n => n != InvitationResources.RoleRelationship))
        {
            var pointer = "/data/relationships/" + RequestDocumentReader.Escape(name);
            throw new JsonApiException(name == InvitationResources.OrganizationRelationship
                ? Errors.ReadOnly(pointer, "'organization' is read-only: an invitation belongs to the organization in the path.")
                : Errors.InvalidDocument(pointer, $"'{name}' is not a relationship of site_invitation."));
        }

        if (!input.Relationships.TryGetValue(InvitationResources.RoleRelationship, out var role))
        {
            return null;
        }

        if (role is null)
        {
            throw new JsonApiException(Errors.InvalidValue(RolePointer, "The 'role' relationship must not be empty."));
        }

        if (role.Type != RoleResources.Type)
        {
            throw new JsonApiException(Errors.TypeMismatch(RolePointer + "/type", role.Type, RoleResources.Type));
        }

        return role;
    }
}
