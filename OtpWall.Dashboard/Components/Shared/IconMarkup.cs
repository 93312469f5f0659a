using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Components;

namespace OtpWall.Dashboard.Components.Shared;

/// <summary>
/// A MudBlazor icon (the inside of a 24 × 24 SVG, from <c>Icons</c>) drawn without a component, with our own classes
/// (controls.css): in what every open tab keeps (the layout, the activation cards) each MudBlazor component is an
/// instance with its own state.
/// </summary>
internal static class IconMarkup
{
    // Each icon as one piece of markup, made once: one render-tree frame where an element with its attributes took seven,
    // in the render trees every open tab keeps. The inside is MudBlazor's own constant; the class is ours.
    private static readonly ConcurrentDictionary<(string Svg, string Size, string? Class), string> s_markup = new();

    /// <param name="size">"medium" (24 px) or "small" (20 px).</param>
    public static RenderFragment Draw(string svg, string size = "medium", string? cssClass = null)
    {
        var markup = s_markup.GetOrAdd((svg, size, cssClass), static key =>
        {
            var classes = key.Size == "small" ? "ow-icon ow-icon-small" : "ow-icon";
            if (key.Class is not null) classes += " " + WebUtility.HtmlEncode(key.Class);
            return $"<svg class=\"{classes}\" focusable=\"false\" viewBox=\"0 0 24 24\" aria-hidden=\"true\" role=\"img\">{key.Svg}</svg>";
        });
        return builder => builder.AddMarkupContent(0, markup);
    }

    /// <summary>The icon at the start of a button (controls.css sizes it within <c>.ow-button</c>).</summary>
    public static RenderFragment ButtonStart(string svg) => Draw(svg);
}
