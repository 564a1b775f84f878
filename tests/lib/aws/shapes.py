#!/usr/bin/python3
"""Check EC2 fixture answers against the EC2 service model that botocore ships.

botocore's data/ec2/2016-11-15/service-2.json is AWS's own description of the EC2 API: for
every answer, which elements exist, what they are called on the wire, and their types.
Every element of a fixture must be a member of its shape there (by its wire name), every
list must hold <item>s, every scalar must parse as its type. A misspelt or invented element
fails, so the fixtures stay shaped like real EC2 answers.

  shapes.py FILE.xml...      (the operation is the root element minus "Response")
"""
import datetime
import sys
import xml.etree.ElementTree as ET

import botocore.session

NS = '{http://ec2.amazonaws.com/doc/2016-11-15/}'


def local(tag):
    return tag[len(NS):] if tag.startswith(NS) else tag


def check(elem, shape, path, errors):
    kind = shape.type_name
    children = list(elem)
    if kind == 'structure':
        wire = {m.serialization.get('name', name): m for name, m in shape.members.items()}
        for child in children:
            name = local(child.tag)
            if name not in wire:
                errors.append(f'{path}/{name}: not a member of {shape.name}')
                continue
            check(child, wire[name], f'{path}/{name}', errors)
    elif kind == 'list':
        item = shape.member.serialization.get('name', 'member')
        for child in children:
            if local(child.tag) != item:
                errors.append(f'{path}/{local(child.tag)}: a {shape.name} holds <{item}> elements')
                continue
            check(child, shape.member, f'{path}/{item}', errors)
    else:
        if children:
            errors.append(f'{path}: {shape.name} is a {kind}, not a structure')
            return
        text = (elem.text or '').strip()
        try:
            if kind == 'integer' or kind == 'long':
                int(text)
            elif kind == 'boolean' and text not in ('true', 'false'):
                raise ValueError(text)
            elif kind == 'timestamp':
                datetime.datetime.strptime(text, '%Y-%m-%dT%H:%M:%S.%fZ')
        except ValueError:
            errors.append(f'{path}: "{text}" is not of type {kind}')


def main(files):
    model = botocore.session.get_session().get_service_model('ec2', api_version='2016-11-15')
    failed = 0
    for path in files:
        root = ET.parse(path).getroot()
        if not root.tag.startswith(NS):
            print(f'{path}: root element is not in the 2016-11-15 namespace')
            failed += 1
            continue
        operation = local(root.tag)[:-len('Response')]
        output = model.operation_model(operation).output_shape
        errors = []
        for child in root:
            if local(child.tag) == 'requestId':
                continue
            wire = {m.serialization.get('name', n): m for n, m in output.members.items()}
            name = local(child.tag)
            if name not in wire:
                errors.append(f'/{name}: not a member of {output.name}')
                continue
            check(child, wire[name], '/' + name, errors)
        for e in errors:
            print(f'{path}: {e}')
        failed += bool(errors)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
