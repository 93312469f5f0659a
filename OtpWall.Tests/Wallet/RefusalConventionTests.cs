using System.Reflection;
using OtpWall.Core;

namespace OtpWall.Tests.Wallet;

/// <summary>
/// One convention for a refused request (<see cref="Refusal"/>): no service answers with a bare <c>string?</c> whose null
/// means "done" in one place and "nothing found" in another. The only nullable strings Core's services give back are
/// answers to questions, named here.
/// </summary>
public sealed class RefusalConventionTests
{
    // Questions whose answer may be "none": not requests that can be refused.
    private static readonly string[] Questions =
    [
        "SessionRegistry.EndReasonAsync",
        "SessionRegistry.ClientAddressAsync",
        "TelegramService.BotTokenAsync",
        "TelegramService.UserOfChatAsync",
    ];

    [Fact]
    public void NoCoreServiceAnswersARequestWithANullableString()
    {
        var nullability = new NullabilityInfoContext();
        var found = typeof(Refusal).Assembly.GetExportedTypes()
            .Where(t => t.IsClass)
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Where(m => !m.IsSpecialName && ReturnsNullableString(nullability, m))
            .Select(m => $"{m.DeclaringType!.Name}.{m.Name}")
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Equal(Questions.Order(StringComparer.Ordinal), found);
    }

    [Fact]
    public void ARefusalSaysEachReason_AndOneSentenceOfThemAll()
    {
        var refusal = Refusal.FromErrors(["Passwords must be at least 12 characters.", "This password is too common."])!;

        Assert.Equal(["Passwords must be at least 12 characters.", "This password is too common."], refusal.Reasons);
        Assert.Equal("Passwords must be at least 12 characters. This password is too common.", refusal.Message);
        Assert.Null(Refusal.FromErrors([]));
        Assert.Equal(["That user no longer exists."], new Refusal("That user no longer exists.").Reasons);
    }

    private static bool ReturnsNullableString(NullabilityInfoContext context, MethodInfo method)
    {
        var info = context.Create(method.ReturnParameter);
        if (method.ReturnType == typeof(string)) return info.ReadState == NullabilityState.Nullable;
        if (method.ReturnType.IsGenericType && method.ReturnType.GetGenericTypeDefinition() is var definition &&
            (definition == typeof(Task<>) || definition == typeof(ValueTask<>)) && method.ReturnType.GetGenericArguments()[0] == typeof(string))
            return info.GenericTypeArguments[0].ReadState == NullabilityState.Nullable;
        return false;
    }
}
