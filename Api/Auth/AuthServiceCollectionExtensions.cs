namespace JsonApiInvites.Api.Auth;

public static class AuthServiceCollectionExtensions
{
    public static IServiceCollection AddTokenAuth(this IServiceCollection services) => services.AddSingleton<TokenAuthenticator>();
}
