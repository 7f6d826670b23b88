using System.Text.Json;
using JsonApiInvites.Api.JsonApi;
using JsonApiInvites.Api.Roles;
using JsonApiInvites.Domain.Invitations;
using JsonApiInvites.Domain.Memberships;

namespace JsonApiInvites.Api.Memberships;

/// <summary>Reads <c>membership</c> request documents and list filters, each problem with the <c>source</c> of its culprit.</summary>
public static class MembershipInput
{
    public const string RolePointer = "/data/relationships/role/data";

    /// <summary>An update may change the role only: the attributes and the other relationships are read-only. Null when the role is not given.</summary>
    public static ResourceIdentifier? ReadUpdate(ResourceInput input)
    {
        foreach (var name in input.Attributes.Keys)
        {
            var pointer = "/data/attributes/" + RequestDocumentReader.Escape(name);
            throw new JsonApiException(MembershipResources.Attributes.Contains(name)
                ? Errors.ReadOnly(pointer, $"'{name}' is read-only.")
                : Errors.InvalidDocument(pointer, $"'{name}' is not an attribute of membership."));
        }

        foreach (var name in input.Relationships.Keys.Where(n => n != MembershipResources.RoleRelationship))
        {
            var pointer = "/data/relationships/" + RequestDocumentReader.Escape(name);
            throw new JsonApiException(MembershipResources.Relationships.Contains(name)
                ? Errors.ReadOnly(pointer, $"'{name}' is read-only.")
                : Errors.InvalidDocument(pointer, $"'{name}' is not a relationship of membership."));
        }

        if (!input.Relationships.TryGetValue(MembershipResources.RoleRelationship, out var role))
        {
            return null;
        }

        if (role is null)
        {
            throw new JsonApiException(Errors.InvalidValue(RolePointer, "A member always has a role; it cannot be emptied."));
        }

        if (role.Type != RoleResources.Type)
        {
            throw new JsonApiException(Errors.TypeMismatch(RolePointer + "/type", role.Type, RoleResources.Type));
        }

        return role;
    }

    /// <summary>The document of a PATCH to the role relationship's link: a role identifier.</summary>
    public static ResourceIdentifier ReadRoleLinkage(JsonElement document)
    {
        var identifier = RequestDocumentReader.ReadToOneDocument(document)
            ?? throw new JsonApiException(Errors.InvalidValue("/data", "A member always has a role; it cannot be emptied."));
        if (identifier.Type != RoleResources.Type)
        {
            throw new JsonApiException(Errors.TypeMismatch("/data/type", identifier.Type, RoleResources.Type));
        }

        return identifier;
    }

    /// <summary><c>filter[email]</c> (one address, any letter case) and <c>filter[role]</c> (role ids, comma-separated).</summary>
    public static MembershipFilter ReadFilter(QueryReader query)
    {
        string? email = null;
        if (query.Has(MembershipResources.EmailFilter))
        {
            email = EmailAddress.Normalize(query.Single(MembershipResources.EmailFilter) ?? string.Empty);
            if (email.Length == 0)
            {
                throw new JsonApiException(Errors.InvalidQueryParameter(MembershipResources.EmailFilter, "'filter[email]' must be an email address."));
            }
        }

        HashSet<Guid>? roles = null;
        if (query.Has(MembershipResources.RoleFilter))
        {
            roles = [];
            foreach (var id in (query.Single(MembershipResources.RoleFilter) ?? string.Empty).Split(',', StringSplitOptions.TrimEntries))
            {
                if (!Guid.TryParse(id, out var roleId))
                {
                    throw new JsonApiException(Errors.InvalidQueryParameter(
                        MembershipResources.RoleFilter, $"'{id}' is not a role id; give one or more role ids, separated by commas."));
                }

                roles.Add(roleId);
            }
        }

        return new MembershipFilter(email, roles);
    }
}
